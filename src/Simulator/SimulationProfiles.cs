namespace BeidouHub.Simulator;

/// <summary>Named receiver setups of the park (the <c>--profile</c> of <c>beidouhub simulate</c>).</summary>
public enum SimulationProfile
{
    /// <summary>A truck (10 m/s) on the park loop with an RTK rover, a stop at the loading dock, a bridge and a shed. NMEA 4.11 style.</summary>
    VehicleRtk,
    /// <summary>A person walking (1.3 m/s) with a CASIC/L76K-style handheld: autonomous fixes, BD talker, a shed outage.</summary>
    HandheldBd,
    /// <summary>A static RTK receiver at the main gate with one outage (a container truck parked over it).</summary>
    Gate,
    /// <summary>A forklift (3.5 m/s) with an RTK rover whose serial line is damaged: framing faults for robustness tests.</summary>
    Faults,
    /// <summary>The truck of vehicle-rtk (no outages) jammed from 30 s for 40 s: every C/N0 20 dB lower, RTK lost. In a fleet: every receiver at once.</summary>
    Jam,
    /// <summary>The truck of vehicle-rtk (no outages) spoofed from 30 s for 20 s: positions 300 m north and 200 m east, time 2 s ahead. In a fleet: every receiver at once (a coherent jump).</summary>
    Spoof,
    /// <summary>The truck of vehicle-rtk (no outages) without corrections from 30 s for 40 s: fixed, float, then autonomous, and RTK again after.</summary>
    LoseRtk,
}

/// <summary>The profiles' settings, the default park loop and the profile names of the verb.</summary>
public static class SimulationProfiles
{
    /// <summary>Default start: 2026-11-27T02:00:00Z (10:00 in Zhuzhou, UTC+8).</summary>
    public static readonly DateTime DefaultStart = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// The default closed loop "inside the park", about 1.7 km, clockwise from the main gate.
    /// ASSUMPTION: no source gives the BeiDou industrial park's coordinates (GNSS-FACTS.md section 5
    /// places it in the Zhuzhou Economic Development Zone, north-east of the city centre at
    /// 27.828N 113.134E); this loop around 27.86N 113.17E is made up. The third point is the
    /// loading dock (20 s stop).
    /// </summary>
    public static IReadOnlyList<Waypoint> ParkLoop { get; } =
    [
        new(27.8580, 113.1680),            // main gate (south-west)
        new(27.8580, 113.1720),            // south road
        new(27.8595, 113.1728),            // bend by the warehouse
        new(27.8618, 113.1728, 20),        // loading dock (north-east): stop
        new(27.8618, 113.1700),            // north road
        new(27.8612, 113.1680),            // west road, by the shed
    ];

    /// <summary>The verb's name of a profile: vehicle-rtk, handheld-bd, gate, faults, jam, spoof, lose-rtk.</summary>
    public static string ToName(this SimulationProfile profile) => profile switch
    {
        SimulationProfile.VehicleRtk => "vehicle-rtk",
        SimulationProfile.HandheldBd => "handheld-bd",
        SimulationProfile.Gate => "gate",
        SimulationProfile.Faults => "faults",
        SimulationProfile.Jam => "jam",
        SimulationProfile.Spoof => "spoof",
        SimulationProfile.LoseRtk => "lose-rtk",
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    /// <summary>Parses a profile name of the verb.</summary>
    public static bool TryParse(string name, out SimulationProfile profile)
    {
        foreach (SimulationProfile p in Enum.GetValues<SimulationProfile>())
        {
            if (string.Equals(p.ToName(), name, StringComparison.Ordinal))
            {
                profile = p;
                return true;
            }
        }

        profile = default;
        return false;
    }

    /// <summary>When the incident of jam, spoof and lose-rtk starts, after the start of the log.</summary>
    public static readonly TimeSpan IncidentAt = TimeSpan.FromSeconds(30);

    /// <summary>True for the profiles that are an incident (jam, spoof, lose-rtk), which a fleet can have too.</summary>
    public static bool IsIncident(this SimulationProfile profile) => profile is SimulationProfile.Jam or SimulationProfile.Spoof or SimulationProfile.LoseRtk;

    /// <summary>How long an incident profile's incident lasts by default.</summary>
    public static TimeSpan IncidentDuration(SimulationProfile profile) => profile == SimulationProfile.Spoof ? TimeSpan.FromSeconds(20) : TimeSpan.FromSeconds(40);

    /// <summary>
    /// <paramref name="options"/> with the incident of <paramref name="incident"/> (jam, spoof or
    /// lose-rtk) from <paramref name="at"/> for <paramref name="duration"/>; any other profile: unchanged.
    /// </summary>
    public static SimulatedReceiverOptions WithIncident(SimulatedReceiverOptions options, SimulationProfile incident, TimeSpan at, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(options);
        return incident switch
        {
            SimulationProfile.Jam => options with { Jamming = [.. options.Jamming, new Jamming(at, duration, 20)] },
            SimulationProfile.Spoof => options with { Spoofing = [.. options.Spoofing, new Spoofing(at, duration, 300, 200, TimeSpan.FromSeconds(2))] },
            SimulationProfile.LoseRtk => options with { CorrectionLosses = [.. options.CorrectionLosses, new Outage(at, duration, "corrections lost (caster or radio link down)")] },
            _ => options,
        };
    }

    /// <summary>The default rate of a profile, epochs per second.</summary>
    public static double DefaultRate(SimulationProfile profile) => profile == SimulationProfile.VehicleRtk ? 10 : 1;

    /// <summary>The default style of a profile.</summary>
    public static NmeaStyle DefaultStyle(SimulationProfile profile) => profile == SimulationProfile.HandheldBd ? NmeaStyle.Bd : NmeaStyle.Gb411;

    /// <summary>The default duration of a profile (what its seed file holds).</summary>
    public static TimeSpan DefaultDuration(SimulationProfile profile) => profile switch
    {
        SimulationProfile.HandheldBd => TimeSpan.FromMinutes(10),
        SimulationProfile.Faults => TimeSpan.FromMinutes(1),
        SimulationProfile.Jam or SimulationProfile.Spoof or SimulationProfile.LoseRtk => TimeSpan.FromMinutes(2),
        _ => TimeSpan.FromMinutes(5),
    };

    /// <summary>The options of a profile; rate and style default per profile when null.</summary>
    public static SimulatedReceiverOptions Create(SimulationProfile profile, DateTime start, ulong seed, double? rateHz = null, NmeaStyle? style = null)
    {
        var common = new SimulatedReceiverOptions
        {
            Name = profile.ToName(),
            Profile = profile,
            Start = start,
            Seed = seed,
            RateHz = rateHz ?? DefaultRate(profile),
            Style = style ?? DefaultStyle(profile),
        };
        return profile switch
        {
            SimulationProfile.VehicleRtk => common with
            {
                SpeedMps = 10,
                Rtk = true,
                Outages =
                [
                    new Outage(TimeSpan.FromSeconds(95), TimeSpan.FromSeconds(3), "under the rail bridge"),
                    new Outage(TimeSpan.FromSeconds(200), TimeSpan.FromSeconds(8), "through the warehouse shed"),
                ],
            },
            SimulationProfile.HandheldBd => common with
            {
                SpeedMps = 1.3,
                RouteOffsetMetres = 400,
                Outages = [new Outage(TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(15), "inside a storage shed")],
            },
            SimulationProfile.Gate => common with
            {
                Route = [ParkLoop[0]],
                AltitudeMsl = 56.2,
                Rtk = true,
                Outages = [new Outage(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(20), "a container truck parked over the antenna")],
            },
            SimulationProfile.Faults => common with
            {
                SpeedMps = 3.5,
                RouteOffsetMetres = 900,
                Rtk = true,
                Faults = true,
            },
            SimulationProfile.Jam or SimulationProfile.Spoof or SimulationProfile.LoseRtk =>
                WithIncident(common with { SpeedMps = 10, Rtk = true }, profile, IncidentAt, IncidentDuration(profile)),
            _ => throw new ArgumentOutOfRangeException(nameof(profile)),
        };
    }
}
