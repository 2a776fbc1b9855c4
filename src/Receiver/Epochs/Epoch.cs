using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Everything one receiver reported for one UTC time: the fix (position, quality, RTK state,
/// speed, DOPs, correction age, GST accuracy) and the sky view (every satellite once per
/// signal, with used flags and per-constellation used counts). Positions are geodetic degrees
/// in the receiver's frame (taken as CGCS2000), altitude above mean sea level in metres.
/// <para>
/// The assembler reuses one instance per receiver: an <see cref="Epoch"/> handed to a sink is
/// valid during the call only. <see cref="CopyTo"/> or <see cref="Clone"/> to keep it.
/// </para>
/// </summary>
public sealed class Epoch
{
    /// <summary>Most satellite-signal entries kept per epoch (4 constellations x 2 signals x 16 sats is 128).</summary>
    public const int MaxSatellites = 192;

    /// <summary>Most used satellites kept per epoch.</summary>
    public const int MaxUsed = 96;

    private readonly SkySatellite[] _satellites = new SkySatellite[MaxSatellites];
    private readonly SatelliteId[] _used = new SatelliteId[MaxUsed];
    private readonly int[] _usedPerConstellation = new int[ConstellationNames.Count];

    // One bit per (constellation, svid) in the used lists: duplicates and used flags without a search.
    private readonly ulong[] _usedBits = new ulong[ConstellationNames.Count * 256 / 64];

    // One bit per hash of (satellite, signal) in the sky table: a clear bit means "not there yet",
    // so the search for a repeated report runs only when the bit is set (rarely).
    private readonly ulong[] _skyFilter = new ulong[256 / 64];

    /// <summary>Creates an empty epoch for a receiver.</summary>
    public Epoch(string receiver)
    {
        Receiver = receiver;
    }

    /// <summary>The receiver's id.</summary>
    public string Receiver { get; }

    /// <summary>Per-receiver sequence number, from 1, in emission order.</summary>
    public long Sequence { get; internal set; }

    /// <summary>The UTC date, from RMC or ZDA of this epoch or carried from earlier ones; null until the receiver gave one.</summary>
    public NmeaDate? Date { get; internal set; }

    /// <summary>UTC time of day in milliseconds.</summary>
    public int? TimeOfDayMs { get; internal set; }

    /// <summary>The epoch's UTC time, when both date and time are known.</summary>
    public DateTime? UtcTime => Date is { } d && TimeOfDayMs is { } t ? d.ToDateTime().AddMilliseconds(t) : null;

    /// <summary>Latitude, degrees north; null without a fix.</summary>
    public double? Latitude { get; internal set; }

    /// <summary>Longitude, degrees east; null without a fix.</summary>
    public double? Longitude { get; internal set; }

    /// <summary>Altitude above mean sea level, metres.</summary>
    public double? AltitudeMsl { get; internal set; }

    /// <summary>Geoid separation (ellipsoid minus geoid), metres.</summary>
    public double? GeoidSeparation { get; internal set; }

    /// <summary>The GGA quality code, or one derived from GNS/RMC mode letters when no GGA came.</summary>
    public GgaQuality? Quality { get; internal set; }

    /// <summary>
    /// No fix / 2D / 3D: the receiver's own GSA fix type where it gave one, otherwise 3D when a
    /// position came with an altitude and 2D without.
    /// </summary>
    public FixMode Mode { get; internal set; }

    // The best fix type this epoch's GSAs reported (Unknown before any): kept apart from Mode so
    // that deriving a mode at position-in (before the cycle's GSAs) cannot outvote them later.
    internal FixMode ReportedMode { get; set; }

    /// <summary>RTK state.</summary>
    public RtkState Rtk { get; internal set; }

    /// <summary>Speed over ground, m/s.</summary>
    public double? SpeedMps { get; internal set; }

    /// <summary>Course over ground, degrees true.</summary>
    public double? CourseDeg { get; internal set; }

    /// <summary>Horizontal dilution of precision (GSA, else GGA/GNS).</summary>
    public double? Hdop { get; internal set; }

    /// <summary>Vertical dilution of precision (GSA).</summary>
    public double? Vdop { get; internal set; }

    /// <summary>Position dilution of precision (GSA).</summary>
    public double? Pdop { get; internal set; }

    /// <summary>1-sigma latitude error, metres (GST).</summary>
    public double? SigmaLatitude { get; internal set; }

    /// <summary>1-sigma longitude error, metres (GST).</summary>
    public double? SigmaLongitude { get; internal set; }

    /// <summary>1-sigma altitude error, metres (GST).</summary>
    public double? SigmaAltitude { get; internal set; }

    /// <summary>Age of differential corrections, seconds (GGA/GNS).</summary>
    public double? DiffAge { get; internal set; }

    /// <summary>Differential reference station id (GGA/GNS).</summary>
    public int? DiffStation { get; internal set; }

    /// <summary>Satellites used as GGA/GNS counts them (may differ from the GSA lists).</summary>
    public int? SatellitesUsedReported { get; internal set; }

    /// <summary>RMC status letter (A valid, V warning).</summary>
    public byte? RmcStatus { get; internal set; }

    /// <summary>FAA mode indicator of RMC (or GLL/VTG), NMEA 2.3+.</summary>
    public byte? ModeIndicator { get; internal set; }

    /// <summary>NMEA 4.10 navigational status of RMC/GNS (S C U V); advisory only.</summary>
    public byte? NavStatus { get; internal set; }

    /// <summary>True when the epoch held at least one GSV sentence (sky reports may be slower than fixes).</summary>
    public bool HasSky { get; internal set; }

    /// <summary>True when the epoch held at least one GSA sentence.</summary>
    public bool HasUsedList { get; internal set; }

    /// <summary>The sentence types that contributed, as bits of <see cref="SentenceType"/>.</summary>
    public int SentenceTypes { get; internal set; }

    /// <summary>Number of sentences that contributed.</summary>
    public int SentenceCount { get; internal set; }

    /// <summary>True when the epoch has a position.</summary>
    public bool HasPosition => Latitude.HasValue && Longitude.HasValue;

    /// <summary>Number of entries in <see cref="Satellites"/>.</summary>
    public int SatelliteCount { get; private set; }

    /// <summary>Every satellite once per signal, in the order first reported.</summary>
    public ReadOnlySpan<SkySatellite> Satellites => _satellites.AsSpan(0, SatelliteCount);

    /// <summary>Number of distinct used satellites (GSA lists merged).</summary>
    public int UsedCount { get; private set; }

    /// <summary>The distinct used satellites.</summary>
    public ReadOnlySpan<SatelliteId> Used => _used.AsSpan(0, UsedCount);

    /// <summary>Used satellites of one constellation.</summary>
    public int UsedIn(Constellation constellation) => _usedPerConstellation[(int)constellation];

    /// <summary>Copies every value into <paramref name="target"/> (which keeps its receiver id).</summary>
    public void CopyTo(Epoch target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Sequence = Sequence;
        target.Date = Date;
        target.TimeOfDayMs = TimeOfDayMs;
        target.Latitude = Latitude;
        target.Longitude = Longitude;
        target.AltitudeMsl = AltitudeMsl;
        target.GeoidSeparation = GeoidSeparation;
        target.Quality = Quality;
        target.Mode = Mode;
        target.ReportedMode = ReportedMode;
        target.Rtk = Rtk;
        target.SpeedMps = SpeedMps;
        target.CourseDeg = CourseDeg;
        target.Hdop = Hdop;
        target.Vdop = Vdop;
        target.Pdop = Pdop;
        target.SigmaLatitude = SigmaLatitude;
        target.SigmaLongitude = SigmaLongitude;
        target.SigmaAltitude = SigmaAltitude;
        target.DiffAge = DiffAge;
        target.DiffStation = DiffStation;
        target.SatellitesUsedReported = SatellitesUsedReported;
        target.RmcStatus = RmcStatus;
        target.ModeIndicator = ModeIndicator;
        target.NavStatus = NavStatus;
        target.HasSky = HasSky;
        target.HasUsedList = HasUsedList;
        target.SentenceTypes = SentenceTypes;
        target.SentenceCount = SentenceCount;
        Satellites.CopyTo(target._satellites);
        target.SatelliteCount = SatelliteCount;
        Used.CopyTo(target._used);
        target.UsedCount = UsedCount;
        _usedPerConstellation.CopyTo(target._usedPerConstellation, 0);
        _usedBits.CopyTo(target._usedBits, 0);
        _skyFilter.CopyTo(target._skyFilter, 0);
    }

    /// <summary>A copy that outlives the sink call.</summary>
    public Epoch Clone()
    {
        var copy = new Epoch(Receiver);
        CopyTo(copy);
        return copy;
    }

    internal void Clear()
    {
        Date = null;
        TimeOfDayMs = null;
        Latitude = Longitude = AltitudeMsl = GeoidSeparation = null;
        Quality = null;
        Mode = ReportedMode = FixMode.Unknown;
        Rtk = RtkState.None;
        SpeedMps = CourseDeg = Hdop = Vdop = Pdop = null;
        SigmaLatitude = SigmaLongitude = SigmaAltitude = null;
        DiffAge = null;
        DiffStation = null;
        SatellitesUsedReported = null;
        RmcStatus = ModeIndicator = NavStatus = null;
        HasSky = HasUsedList = false;
        SentenceTypes = 0;
        SentenceCount = 0;
        SatelliteCount = 0;
        UsedCount = 0;
        Array.Clear(_usedPerConstellation);
        Array.Clear(_usedBits);
        Array.Clear(_skyFilter);
    }

    internal void AddSatellite(SatelliteId id, byte? signal, short? elevation, short? azimuth, short? cn0)
    {
        int hash = (int)((((uint)UsedKey(id) * 17) + (signal ?? 16u)) * 0x9E3779B1u >> 24);
        ref ulong word = ref _skyFilter[hash >> 6];
        ulong bit = 1UL << hash;
        if ((word & bit) != 0)
        {
            Span<SkySatellite> sats = _satellites.AsSpan(0, SatelliteCount);
            for (int i = 0; i < sats.Length; i++)
            {
                if (sats[i].Id == id && sats[i].Signal == signal)
                {
                    // The same satellite and signal twice in one epoch (a repeated GSV set): the later report wins.
                    sats[i] = new SkySatellite(id, signal, elevation, azimuth, cn0, false);
                    return;
                }
            }
        }

        word |= bit;
        if (SatelliteCount < MaxSatellites)
        {
            _satellites[SatelliteCount++] = new SkySatellite(id, signal, elevation, azimuth, cn0, false);
        }
    }

    internal void AddUsed(SatelliteId id)
    {
        int key = UsedKey(id);
        ref ulong word = ref _usedBits[key >> 6];
        ulong bit = 1UL << key;
        if ((word & bit) != 0 || UsedCount >= MaxUsed)
        {
            return;
        }

        word |= bit;
        _used[UsedCount++] = id;
        _usedPerConstellation[(int)id.Constellation]++;
    }

    // Marks sky entries whose satellite is in the used lists; called once when the epoch is handed out.
    internal void ResolveUsedFlags()
    {
        Span<SkySatellite> sats = _satellites.AsSpan(0, SatelliteCount);
        for (int i = 0; i < sats.Length; i++)
        {
            int key = UsedKey(sats[i].Id);
            bool isUsed = (_usedBits[key >> 6] & (1UL << key)) != 0;
            if (isUsed != sats[i].Used)
            {
                sats[i] = sats[i] with { Used = isUsed };
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UsedKey(SatelliteId id) => ((int)id.Constellation << 8) | id.Svid;
}
