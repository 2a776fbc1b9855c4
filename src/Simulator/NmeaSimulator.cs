using System.Buffers;
using System.Globalization;
using BeidouHub.Geo;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Simulator;

/// <summary>
/// A simulated multi-GNSS BeiDou receiver of the park: given an epoch's UTC time, writes the NMEA
/// bytes the receiver would send for it (GGA, RMC with NMEA 4.10 nav status, GSA per
/// constellation, GSV per signal, VTG, GST, ZDA), from a sky of circular orbits seen from its
/// position on a route, with RTK states, outages, DOPs from the used satellites' geometry and
/// position noise consistent with the GST sigmas. GSV and ZDA are sent once per second at
/// rates above 1 Hz, as receivers configured for 10 Hz navigation usually do.
/// <para>
/// Deterministic: the same options (seed included) and the same sequence of times give the same
/// bytes. The noise is correlated in time, so call with increasing times (one instance per
/// receiver, like a serial line).
/// </para>
/// </summary>
public sealed class NmeaSimulator
{
    // 1-sigma horizontal error per axis and vertical error per unit of HDOP/VDOP, metres: cm for RTK
    // fixed, dm for float, m for autonomous (typical receiver specifications: F9P 1 cm + 1 ppm
    // RTK, ~1.5 m CEP autonomous).
    private const double FixedSigma = 0.012, FloatSigma = 0.25, AutonomousSigma = 1.6;
    private const double NoiseTimeConstant = 4.0; // s: position errors wander, they do not jump

    // Below this C/N0 a receiver loses lock (tracking thresholds of mass-market receivers are 15-25 dB-Hz).
    private const double JammedLockDbHz = 20;

    private readonly SimulatedReceiverOptions _options;
    private readonly Route _route;
    private readonly SentenceBuilder _builder = new();
    private readonly List<SkyEntry> _sky = new(80);
    private readonly FaultInjector? _faults;
    private SplitMix64 _rng;
    private double _zNorth, _zEast, _zUp;
    private double? _lastElapsed;

    /// <summary>Creates a receiver.</summary>
    public NmeaSimulator(SimulatedReceiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RateHz, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.RateHz, 20);
        ArgumentOutOfRangeException.ThrowIfZero(options.Route.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SpeedMps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.StationId, 1023);
        _options = options;
        _route = new Route(options.Route, options.SpeedMps, options.RouteOffsetMetres);
        _rng = new SplitMix64(SplitMix64.Derive(options.Seed, 0));
        _faults = options.Faults ? new FaultInjector(SplitMix64.Derive(options.Seed, 1)) : null;
    }

    /// <summary>The receiver's options.</summary>
    public SimulatedReceiverOptions Options => _options;

    /// <summary>Time between epochs.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / _options.RateHz));

    /// <summary>The UTC time of epoch <paramref name="index"/> (0 = <see cref="SimulatedReceiverOptions.Start"/>).</summary>
    public DateTime EpochTime(long index) => _options.Start.AddTicks((long)Math.Round(index * TimeSpan.TicksPerSecond / _options.RateHz));

    /// <summary>Number of epochs in <paramref name="duration"/>.</summary>
    public long EpochCount(TimeSpan duration) => (long)Math.Floor((duration.TotalSeconds * _options.RateHz) + 1e-9);

    /// <summary>The truth behind the last epoch written (for tests and the log's header).</summary>
    internal SimulatedTruth LastTruth { get; private set; }

    /// <summary>The sky behind the last epoch written.</summary>
    internal IReadOnlyList<SkyEntry> LastSky => _sky;

    /// <summary>Writes epoch <paramref name="index"/>'s bytes; returns how many.</summary>
    public int WriteEpoch(long index, IBufferWriter<byte> output) => WriteEpoch(EpochTime(index), output);

    /// <summary>Writes the bytes the receiver sends for the epoch at <paramref name="utc"/>; returns how many.</summary>
    public int WriteEpoch(DateTime utc, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        double elapsed = (utc - _options.Start).Ticks / (double)TimeSpan.TicksPerSecond;
        long index = (long)Math.Round(elapsed * _options.RateHz);
        bool skyEpoch = index % (long)Math.Round(_options.RateHz) == 0;

        // Where the receiver is and what it can do there.
        (double lat, double lon, double speed, double? course) = _route.At(elapsed);
        TimeSpan since = TimeSpan.FromSeconds(elapsed);
        byte quality = Quality(since);
        bool fix = quality != 0;
        double jamDb = JamDb(since);
        ComputeSky(utc, lat, lon, fix, skyEpoch, jamDb);
        if (fix && jamDb > 0 && UsedCount() < 4)
        {
            // Too few satellites left to the jammer for a fix.
            quality = 0;
            fix = false;
            ComputeSky(utc, lat, lon, fix, skyEpoch, jamDb);
        }

        Dops dops = fix ? Dops.From(_sky) : Dops.None;

        // Position error: a unit Gauss-Markov process per axis, scaled by the quality's sigma.
        double dt = _lastElapsed is { } last ? Math.Max(0, elapsed - last) : double.PositiveInfinity;
        double rho = Math.Exp(-dt / NoiseTimeConstant), w = Math.Sqrt(1 - (rho * rho));
        _zNorth = (rho * _zNorth) + (w * _rng.NextGaussian());
        _zEast = (rho * _zEast) + (w * _rng.NextGaussian());
        _zUp = (rho * _zUp) + (w * _rng.NextGaussian());
        double speedNoise = _rng.NextGaussian();
        double ageJitter = _rng.NextDouble();
        _lastElapsed = elapsed;

        double baseSigma = quality switch { 4 => FixedSigma, 5 => FloatSigma, _ => AutonomousSigma };
        double sigmaN = Math.Round(baseSigma * dops.Hdop * 0.85, 3), sigmaE = Math.Round(baseSigma * dops.Hdop * 0.7, 3);
        double sigmaU = Math.Round(baseSigma * dops.Vdop * 1.1, 3);
        (double mN, double mE) = Ellipsoid.Wgs84.MetresPerDegree(lat);
        double outLat = lat + (sigmaN * _zNorth / mN), outLon = lon + (sigmaE * _zEast / mE);
        if (SpoofAt(since) is { } spoof)
        {
            outLat += spoof.NorthMetres / mN;
            outLon += spoof.EastMetres / mE;
        }

        double outAlt = _options.AltitudeMsl + (sigmaU * _zUp);
        double outSpeed = fix ? Math.Max(0, speed + (speedNoise * (quality is 4 or 5 ? 0.01 : 0.08))) : 0;
        LastTruth = new SimulatedTruth(utc, lat, lon, _options.AltitudeMsl, speed, quality, sigmaN, sigmaE, sigmaU, outLat, outLon);

        _builder.Clear();
        DateTime reported = SpoofAt(since) is { } s ? utc + s.ClockOffset : utc;
        double age = 0.3 + (ageJitter * 0.9) + (CorrectionLossAt(since) is { } lost ? lost.TotalSeconds : 0);
        var e = new EpochFields(reported, quality, outLat, outLon, outAlt, outSpeed, fix ? course : null, dops, sigmaN, sigmaE, sigmaU, age);
        if (_options.Style == NmeaStyle.Gb411)
        {
            WriteGb(e, skyEpoch);
        }
        else
        {
            WriteBd(e, skyEpoch);
        }

        var counting = new CountingWriter(output);
        if (_faults is not null)
        {
            _faults.Write(index, _builder.Lines, counting);
        }
        else
        {
            foreach (string line in _builder.Lines)
            {
                SentenceBuilder.WriteAscii(line, counting);
                SentenceBuilder.WriteAscii("\r\n", counting);
            }
        }

        return counting.Written;
    }

    /// <summary>GGA quality at <paramref name="elapsed"/>: 0 in an outage; RTK rovers go autonomous (1) → float (5) → fixed (4) after start and after each outage.</summary>
    internal byte Quality(TimeSpan elapsed)
    {
        TimeSpan since = elapsed;
        bool afterOutage = false;
        foreach (Outage o in _options.Outages)
        {
            if (o.Contains(elapsed))
            {
                return 0;
            }

            if (elapsed >= o.End && elapsed - o.End < since)
            {
                since = elapsed - o.End;
                afterOutage = true;
            }
        }

        if (!_options.Rtk)
        {
            return 1;
        }

        // The end of a loss of corrections or of jamming starts RTK over, as the end of an outage does.
        foreach (TimeSpan end in _options.CorrectionLosses.Select(l => l.End).Concat(_options.Jamming.Select(j => j.Start + j.Duration)))
        {
            if (elapsed >= end && elapsed - end < since)
            {
                since = elapsed - end;
                afterOutage = true;
            }
        }

        TimeSpan floatFor = afterOutage ? _options.FloatFor / 2 : _options.FloatFor;
        byte quality = since < _options.AutonomousFor ? (byte)1 : since < _options.AutonomousFor + floatFor ? (byte)5 : (byte)4;
        if (JamDb(elapsed) > 0)
        {
            return 1; // no carrier phase through the jammer
        }

        if (CorrectionLossAt(elapsed) is { } lost)
        {
            // A rover keeps its fix a few seconds on old corrections, then floats, then gives up.
            return lost < TimeSpan.FromSeconds(5) ? quality
                : lost < TimeSpan.FromSeconds(15) ? quality == 4 ? (byte)5 : quality
                : (byte)1;
        }

        return quality;
    }

    private double JamDb(TimeSpan elapsed)
    {
        double db = 0;
        foreach (Jamming j in _options.Jamming)
        {
            db = j.Contains(elapsed) ? Math.Max(db, j.DropDb) : db;
        }

        return db;
    }

    private Spoofing? SpoofAt(TimeSpan elapsed)
    {
        foreach (Spoofing s in _options.Spoofing)
        {
            if (s.Contains(elapsed))
            {
                return s;
            }
        }

        return null;
    }

    // Time since the corrections stopped, inside a loss of corrections.
    private TimeSpan? CorrectionLossAt(TimeSpan elapsed)
    {
        foreach (Outage l in _options.CorrectionLosses)
        {
            if (l.Contains(elapsed))
            {
                return elapsed - l.Start;
            }
        }

        return null;
    }

    private int UsedCount()
    {
        int used = 0;
        foreach (SkyEntry s in _sky)
        {
            used += s.Used ? 1 : 0;
        }

        return used;
    }

    private void ComputeSky(DateTime utc, double lat, double lon, bool tracking, bool withCn0, double jamDb)
    {
        _sky.Clear();
        // The receiver's horizon on WGS 84, as the orbits' GM is (CGCS2000's ellipsoid differs by < 0.11 mm).
        var horizon = new LocalTangentPlane(lat, lon, _options.AltitudeMsl + _options.GeoidSeparation, Ellipsoid.Wgs84);
        double antenna = _options.Style == NmeaStyle.Bd ? -4 : 0; // a handheld's patch antenna
        foreach (SimulatedSatellite s in SimulatedConstellations.All)
        {
            EnuPoint look = horizon.ToEnu(s.Orbit.EcefAt(utc));
            double el = look.ElevationDeg, az = look.AzimuthDeg;
            if (el < 0)
            {
                continue;
            }

            // C/N0 follows elevation (30 + 20 sin el dB-Hz) with noise; the L5/B2a signals are a little stronger.
            double cn0 = 30 + (20 * Math.Sin(el * Math.PI / 180)) + antenna;
            short? cn0First = null, cn0Second = null;
            bool locked = cn0 - jamDb >= JammedLockDbHz;
            if (tracking && withCn0)
            {
                cn0First = (short)Math.Clamp(Math.Round(cn0 - jamDb + (1.5 * _rng.NextGaussian())), 10, 55);
                cn0Second = (short)Math.Clamp(Math.Round(cn0 + 2 - jamDb + (1.5 * _rng.NextGaussian())), 10, 55);
                if (!locked)
                {
                    cn0First = cn0Second = null;
                }
            }

            _sky.Add(new SkyEntry(s, el, az, look.Direction(), cn0First, cn0Second, false, locked));
        }

        if (!tracking)
        {
            return;
        }

        // Used: above the mask, at most 12 per constellation (one GSA's slots), highest first.
        foreach (Constellation c in (ReadOnlySpan<Constellation>)[Constellation.Gps, Constellation.Beidou])
        {
            for (int n = 0; n < 12; n++)
            {
                int best = -1;
                for (int i = 0; i < _sky.Count; i++)
                {
                    SkyEntry x = _sky[i];
                    if (x.Satellite.Constellation == c && !x.Used && x.Locked && x.Elevation >= _options.ElevationMaskDeg && (best < 0 || x.Elevation > _sky[best].Elevation))
                    {
                        best = i;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                _sky[best] = _sky[best] with { Used = true };
            }
        }
    }

    private void WriteGb(in EpochFields e, bool skyEpoch)
    {
        // u-blox order: RMC VTG GGA GSA GSV GST ZDA (F9P interface description, NMEA output order).
        string time = Time(e.Utc, 2);
        WriteRmc("GNRMC", e, time, 7);
        WriteVtg("GNVTG", e);
        WriteGga("GNGGA", e, time, 7, "0.000", "0.00");
        WriteGsa("GNGSA", e, Constellation.Gps, 1, "0.00");
        WriteGsa("GNGSA", e, Constellation.Beidou, 4, "0.00");
        if (skyEpoch)
        {
            WriteGsv("GPGSV", Constellation.Gps, '1', second: false);
            WriteGsv("GPGSV", Constellation.Gps, '7', second: true);
            WriteGsv("GBGSV", Constellation.Beidou, '1', second: false);
            WriteGsv("GBGSV", Constellation.Beidou, '5', second: true);
        }

        WriteGst("GNGST", e, time);
        if (skyEpoch)
        {
            WriteZda("GNZDA", e.Utc, time);
        }
    }

    private void WriteBd(in EpochFields e, bool skyEpoch)
    {
        // CASIC order (Quectel L76K capture in gpsd's tests): GGA GSA GSV RMC VTG ZDA; GST added before ZDA.
        string time = Time(e.Utc, 3);
        WriteGga("GNGGA", e, time, 5, "0.0", "0.0");
        WriteGsa("GPGSA", e, Constellation.Gps, 1, "0.0");
        WriteGsa("BDGSA", e, Constellation.Beidou, 4, "0.0");
        if (skyEpoch)
        {
            WriteGsv("GPGSV", Constellation.Gps, '0', second: false);
            WriteGsv("BDGSV", Constellation.Beidou, '0', second: false);
        }

        WriteRmc("GNRMC", e, time, 5);
        WriteVtg("GNVTG", e);
        WriteGst("GNGST", e, time);
        if (skyEpoch)
        {
            WriteZda("GNZDA", e.Utc, time);
        }
    }

    private void WriteRmc(string address, in EpochFields e, string time, int decimals)
    {
        SentenceBuilder b = _builder.Begin(address).Field(time);
        if (e.Quality == 0)
        {
            b.Field("V").Empty(6).Field(e.Utc.ToString("ddMMyy", CultureInfo.InvariantCulture)).Empty(2).Field("N").Field("V").End();
            return;
        }

        b.Field("A");
        LatLon(b, e.Latitude, e.Longitude, decimals);
        b.Field(e.SpeedMps * 3600 / 1852, "0.000").Field(e.Course is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : null)
            .Field(e.Utc.ToString("ddMMyy", CultureInfo.InvariantCulture)).Empty(2).Field(ModeLetter(e.Quality))
            .Field("V") // NMEA 4.10 nav status: u-blox and L76K send V even with good fixes (GNSS-FACTS.md 1.4)
            .End();
    }

    private void WriteVtg(string address, in EpochFields e)
    {
        if (e.Quality == 0)
        {
            _builder.Begin(address).Empty(1).Field("T").Empty(1).Field("M").Empty(1).Field("N").Empty(1).Field("K").Field("N").End();
            return;
        }

        _builder.Begin(address).Field(e.Course is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : null).Field("T").Empty(1).Field("M")
            .Field(e.SpeedMps * 3600 / 1852, "0.000").Field("N").Field(e.SpeedMps * 3.6, "0.000").Field("K").Field(ModeLetter(e.Quality)).End();
    }

    private void WriteGga(string address, in EpochFields e, string time, int decimals, string altFormat, string dopFormat)
    {
        SentenceBuilder b = _builder.Begin(address).Field(time);
        if (e.Quality == 0)
        {
            b.Empty(4).Field("0").Field("00").Field(NoDop(dopFormat), dopFormat).Empty(6).End();
            return;
        }

        LatLon(b, e.Latitude, e.Longitude, decimals);
        int used = 0;
        foreach (SkyEntry s in _sky)
        {
            used += s.Used ? 1 : 0;
        }

        b.Field(e.Quality, "0").Field(used, "00").Field(e.Dops.Hdop, dopFormat).Field(e.AltitudeMsl, altFormat).Field("M")
            .Field(_options.GeoidSeparation, altFormat).Field("M");
        if (e.Quality is 4 or 5)
        {
            b.Field(e.CorrectionAge, "0.0").Field(_options.StationId, "0000");
        }
        else
        {
            b.Empty(2);
        }

        b.End();
    }

    private void WriteGsa(string address, in EpochFields e, Constellation constellation, int systemId, string dopFormat)
    {
        SentenceBuilder b = _builder.Begin(address).Field("A").Field(e.Quality == 0 ? "1" : "3");
        int slots = 0;
        foreach (SkyEntry s in _sky)
        {
            if (s.Used && s.Satellite.Constellation == constellation && slots < 12)
            {
                b.Field(s.Satellite.Svid, "00");
                slots++;
            }
        }

        b.Empty(12 - slots);
        double none = NoDop(dopFormat);
        double pdop = e.Quality == 0 ? none : e.Dops.Pdop, hdop = e.Quality == 0 ? none : e.Dops.Hdop, vdop = e.Quality == 0 ? none : e.Dops.Vdop;
        b.Field(pdop, dopFormat).Field(hdop, dopFormat).Field(vdop, dopFormat).Field(systemId, "0").End();
    }

    private void WriteGsv(string address, Constellation constellation, char signal, bool second)
    {
        var list = new List<SkyEntry>(32);
        foreach (SkyEntry s in _sky)
        {
            if (s.Satellite.Constellation == constellation && (!second || s.Satellite.SecondSignal))
            {
                list.Add(s);
            }
        }

        list.Sort((a, b) => a.Satellite.Svid.CompareTo(b.Satellite.Svid));
        int messages = Math.Max(1, (list.Count + 3) / 4);
        for (int m = 0; m < messages; m++)
        {
            SentenceBuilder b = _builder.Begin(address).Field(messages, "0").Field(m + 1, "0").Field(list.Count, "00");
            for (int i = m * 4; i < Math.Min(list.Count, (m + 1) * 4); i++)
            {
                SkyEntry s = list[i];
                int az = (int)Math.Round(s.Azimuth) % 360;
                short? cn0 = second ? s.Cn0Second : s.Cn0First;
                b.Field(s.Satellite.Svid, "00").Field((int)Math.Round(s.Elevation), "00").Field(az, "000")
                    .Field(cn0 is { } c ? c.ToString("00", CultureInfo.InvariantCulture) : null);
            }

            b.Field(signal.ToString()).End();
        }
    }

    private void WriteGst(string address, in EpochFields e, string time)
    {
        if (e.Quality == 0)
        {
            return; // nothing to estimate without a fix
        }

        double major = Math.Max(e.SigmaNorth, e.SigmaEast), minor = Math.Min(e.SigmaNorth, e.SigmaEast);
        double rms = e.Quality is 4 or 5 ? 0.4 + (0.4 * e.Dops.Hdop) : 1.5 + (2 * e.Dops.Hdop);
        _builder.Begin(address).Field(time).Field(rms, "0.0").Field(major, "0.000").Field(minor, "0.000")
            .Field(e.SigmaNorth >= e.SigmaEast ? 0.0 : 90.0, "0.0").Field(e.SigmaNorth, "0.000").Field(e.SigmaEast, "0.000")
            .Field(e.SigmaUp, "0.000").End();
    }

    private void WriteZda(string address, DateTime utc, string time) =>
        _builder.Begin(address).Field(time).Field(utc.Day, "00").Field(utc.Month, "00").Field(utc.Year, "0000").Field("00").Field("00").End();

    // The largest DOP the field's format can hold: 99.99 with two decimals (u-blox), 99.9 with one (CASIC).
    private static double NoDop(string format) => format == "0.0" ? 99.9 : 99.99;

    private static string ModeLetter(byte quality) => quality switch { 4 => "R", 5 => "F", 2 => "D", 1 => "A", _ => "N" };

    private static string Time(DateTime utc, int decimals)
    {
        long unit = decimals == 3 ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerMillisecond * 10;
        long ticks = (long)Math.Round(utc.TimeOfDay.Ticks / (double)unit) * unit;
        var t = TimeSpan.FromTicks(ticks);
        string fraction = decimals == 3 ? t.Milliseconds.ToString("000", CultureInfo.InvariantCulture) : (t.Milliseconds / 10).ToString("00", CultureInfo.InvariantCulture);
        return t.Hours.ToString("00", CultureInfo.InvariantCulture) + t.Minutes.ToString("00", CultureInfo.InvariantCulture)
            + t.Seconds.ToString("00", CultureInfo.InvariantCulture) + "." + fraction;
    }

    // ddmm.mmmmmmm / dddmm.mmmmmmm from integer units of the last decimal, so minutes never print as 60.
    private static void LatLon(SentenceBuilder b, double lat, double lon, int decimals)
    {
        b.Field(Angle(Math.Abs(lat), 2, decimals)).Field(lat >= 0 ? "N" : "S").Field(Angle(Math.Abs(lon), 3, decimals)).Field(lon >= 0 ? "E" : "W");
    }

    private static string Angle(double degrees, int degreeDigits, int decimals)
    {
        long scale = (long)Math.Pow(10, decimals);
        long units = (long)Math.Round(degrees * 60 * scale);
        long deg = units / (60 * scale), minuteUnits = units % (60 * scale);
        string minutes = (minuteUnits / scale).ToString("00", CultureInfo.InvariantCulture) + "."
            + (minuteUnits % scale).ToString(new string('0', decimals), CultureInfo.InvariantCulture);
        return deg.ToString(new string('0', degreeDigits), CultureInfo.InvariantCulture) + minutes;
    }

    private readonly record struct EpochFields(
        DateTime Utc, byte Quality, double Latitude, double Longitude, double AltitudeMsl, double SpeedMps, double? Course,
        Dops Dops, double SigmaNorth, double SigmaEast, double SigmaUp, double CorrectionAge);

    private sealed class CountingWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public int Written { get; private set; }

        public void Advance(int count)
        {
            inner.Advance(count);
            Written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}

/// <summary>One satellite in the simulated sky at an epoch.</summary>
/// <remarks><see cref="Locked"/> is false for a satellite a jammer took: listed, without C/N0, not used.</remarks>
internal readonly record struct SkyEntry(SimulatedSatellite Satellite, double Elevation, double Azimuth, EnuPoint LineOfSight, short? Cn0First, short? Cn0Second, bool Used, bool Locked = true);

/// <summary>What the receiver should have reported: its true position and the error model of the epoch.</summary>
internal readonly record struct SimulatedTruth(
    DateTime Utc, double Latitude, double Longitude, double AltitudeMsl, double SpeedMps, byte Quality,
    double SigmaNorth, double SigmaEast, double SigmaUp, double ReportedLatitude, double ReportedLongitude);
