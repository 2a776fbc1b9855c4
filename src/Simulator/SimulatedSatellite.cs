using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Simulator;

/// <summary>Orbit class of a simulated satellite.</summary>
internal enum OrbitKind : byte
{
    Geo,
    Igso,
    Meo,
}

/// <summary>
/// One simulated satellite: identity, orbit, and whether it sends the second signal the receiver
/// tracks (BeiDou B2a: BDS-3 only; GPS L5: Block IIF and III only).
/// </summary>
internal sealed record SimulatedSatellite(Constellation Constellation, byte Svid, OrbitKind Kind, CircularOrbit Orbit, bool SecondSignal);

/// <summary>
/// The simulated constellations. Sources and assumptions:
/// <list type="bullet">
/// <item>BDS-2 GEO C01 140E, C02 80E, C03 110.5E, C04 160E, C05 58.75E (the list).</item>
/// <item>BDS-3 GEO: nominal slots 80E, 110.5E, 140E (Seradata, launch report of April 2019 says
/// 80E, "100.5E" and 140E; 110.5E is the published BDS-2 slot and taken as meant). ASSUMPTION: C59 at
/// 144.5E (reported drift slot), C60 80E, C61 110.5E.</item>
/// <item>IGSO: inclination 55 deg, figure-eight around 118E (the issue): C06-C10, C13, C16 (BDS-2) and
/// C38-C40 (BDS-3), evenly phased along one ground track. ASSUMPTION: real IGSOs spread over 3 planes
/// and slightly different node longitudes.</item>
/// <item>BDS-3 MEO: Walker 24/3/1 at 21,528 km altitude, inclination 55 deg (BDS ICD open service
/// figures as quoted in the issue), C19-C30, C32-C37, C41-C46 (GNSS-FACTS.md 1.5).</item>
/// <item>GPS: six planes A-F 60 deg apart, 26,560 km radius, inclination 55 deg, PRN 1-32.
/// ASSUMPTION: the L5 set (PRNs of Block IIF/III satellites) is illustrative.</item>
/// </list>
/// Phases are made up: the sky is plausible, not the real sky of the date.
/// </summary>
internal static class SimulatedConstellations
{
    private const double EarthRadiusM = 6_378_137.0;

    public static IReadOnlyList<SimulatedSatellite> All { get; } = Build();

    private static List<SimulatedSatellite> Build()
    {
        var list = new List<SimulatedSatellite>();

        // GPS: 32 satellites over 6 planes.
        int[] l5 = [1, 3, 4, 6, 8, 9, 10, 11, 14, 18, 23, 24, 25, 26, 27, 28, 30, 32];
        for (int prn = 1; prn <= 32; prn++)
        {
            int plane = (prn - 1) % 6;
            int slot = (prn - 1) / 6;
            int inPlane = plane < 2 ? 6 : 5;
            double raan = 17.0 + (plane * 60.0);
            double u = (slot * 360.0 / inPlane) + (plane * 23.0);
            list.Add(new SimulatedSatellite(Constellation.Gps, (byte)prn, OrbitKind.Meo, CircularOrbit.Kepler(26_560_000, 55, raan, u), Array.IndexOf(l5, prn) >= 0));
        }

        // BeiDou GEO.
        (int Svid, double Lon)[] geo = [(1, 140), (2, 80), (3, 110.5), (4, 160), (5, 58.75), (59, 144.5), (60, 80), (61, 110.5)];
        foreach ((int svid, double lon) in geo)
        {
            // BDS-3 GEOs (C59-C61) send B1I and B3I, not B2a: no second signal here.
            list.Add(new SimulatedSatellite(Constellation.Beidou, (byte)svid, OrbitKind.Geo, CircularOrbit.Geosynchronous(lon, 0, 0), false));
        }

        // BeiDou IGSO on one figure-eight around 118E.
        int[] igso = [6, 7, 8, 9, 10, 13, 16, 38, 39, 40];
        for (int k = 0; k < igso.Length; k++)
        {
            list.Add(new SimulatedSatellite(Constellation.Beidou, (byte)igso[k], OrbitKind.Igso, CircularOrbit.Geosynchronous(118, 55, k * 360.0 / igso.Length), igso[k] >= 38));
        }

        // BeiDou MEO, Walker 24/3/1: planes 120 deg apart, 8 per plane 45 deg apart, phase 1 x 360/24 between planes.
        int[] meo = [19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46];
        for (int k = 0; k < meo.Length; k++)
        {
            int plane = k / 8, slot = k % 8;
            double raan = 40.0 + (plane * 120.0);
            double u = (slot * 45.0) + (plane * 15.0);
            list.Add(new SimulatedSatellite(Constellation.Beidou, (byte)meo[k], OrbitKind.Meo, CircularOrbit.Kepler(EarthRadiusM + 21_528_000, 55, raan, u), true));
        }

        return list;
    }
}
