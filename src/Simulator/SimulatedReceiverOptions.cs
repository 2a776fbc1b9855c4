namespace BeidouHub.Simulator;

/// <summary>Everything that defines one simulated receiver. Same options (seed included) give byte-identical output.</summary>
public sealed record SimulatedReceiverOptions
{
    /// <summary>Receiver id (written in the log header).</summary>
    public string Name { get; init; } = "sim";

    /// <summary>The profile these options were made from (for the header and the verb).</summary>
    public SimulationProfile Profile { get; init; } = SimulationProfile.VehicleRtk;

    /// <summary>UTC time of the first epoch.</summary>
    public DateTime Start { get; init; } = SimulationProfiles.DefaultStart;

    /// <summary>Epochs per second, 1 to 20.</summary>
    public double RateHz { get; init; } = 1;

    /// <summary>Seed of every random choice (noise, C/N0, correction latency, faults).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Sentence style.</summary>
    public NmeaStyle Style { get; init; } = NmeaStyle.Gb411;

    /// <summary>Closed loop driven (or one point: static).</summary>
    public IReadOnlyList<Waypoint> Route { get; init; } = SimulationProfiles.ParkLoop;

    /// <summary>Cruising speed, m/s (0: static receiver at the first waypoint).</summary>
    public double SpeedMps { get; init; }

    /// <summary>Where on the loop the receiver starts, metres from the first waypoint.</summary>
    public double RouteOffsetMetres { get; init; }

    /// <summary>Antenna altitude above mean sea level, metres (Zhuzhou's Xiang river plain is at about 40-70 m).</summary>
    public double AltitudeMsl { get; init; } = 58.0;

    /// <summary>Geoid separation (ellipsoid minus geoid), metres. ASSUMPTION: about -20 m in Hunan from EGM96 maps, not looked up.</summary>
    public double GeoidSeparation { get; init; } = -20.6;

    /// <summary>Satellites below this elevation (degrees) are tracked and listed but not used.</summary>
    public double ElevationMaskDeg { get; init; } = 10;

    /// <summary>True for an RTK rover (autonomous, then float, then fixed); false for an autonomous receiver.</summary>
    public bool Rtk { get; init; }

    /// <summary>Time after start or after an outage during which the fix is autonomous, before RTK float.</summary>
    public TimeSpan AutonomousFor { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Time in RTK float before the ambiguities fix (after start: this long; after an outage: half).</summary>
    public TimeSpan FloatFor { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Reference station id in GGA (0-1023). ASSUMPTION: a made-up Zhuzhou CORS station number.</summary>
    public int StationId { get; init; } = 101;

    /// <summary>Intervals without a fix.</summary>
    public IReadOnlyList<Outage> Outages { get; init; } = [];

    /// <summary>Intervals in which a jammer lowers every signal's C/N0.</summary>
    public IReadOnlyList<Jamming> Jamming { get; init; } = [];

    /// <summary>Intervals in which a spoofer moves the reported positions and times.</summary>
    public IReadOnlyList<Spoofing> Spoofing { get; init; } = [];

    /// <summary>
    /// Intervals in which an RTK rover gets no corrections (caster or radio link down): the age of
    /// corrections grows, the fix stays fixed 5 s, then float until the age is 15 s, then autonomous
    /// (no age); after the interval it fixes again as after an outage.
    /// </summary>
    public IReadOnlyList<Outage> CorrectionLosses { get; init; } = [];

    /// <summary>Inject framing faults (bad checksums, UBX frames, truncated and overlong lines, NULs, <c>$$</c>) for robustness tests.</summary>
    public bool Faults { get; init; }
}
