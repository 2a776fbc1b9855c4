namespace BeidouHub.Service.Integrity;

/// <summary>
/// <c>BeidouHub:Integrity</c>: the integrity monitor's thresholds. Times are the epochs' own
/// (receiver UTC), so a replayed log raises the same alerts at any speed; README: Integrity has
/// each default's reasoning.
/// </summary>
internal sealed class IntegrityConfig
{
    public const string Section = "BeidouHub:Integrity";

    /// <summary>Watch the receivers and raise alerts (Positions.StreamAlerts).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A symptom that can come and go (accuracy, C/N0, satellites, correction age, reference drift) must last this long to raise an alert.</summary>
    public TimeSpan ConfirmAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>...and must be gone this long for the alert to end (hysteresis: an alert does not flap).</summary>
    public TimeSpan ClearAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A receiver that had RTK fixed and has not had it for this long: RTK fixed lost.</summary>
    public TimeSpan RtkLostAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>RTK fixed back for this long: the RTK alert ends.</summary>
    public TimeSpan RtkRegainedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Age of differential corrections (GGA) above this: stale corrections.</summary>
    public double MaxCorrectionAgeSeconds { get; set; } = 10;

    /// <summary>Horizontal 1-sigma error (GST, root of the two axes' squares) above this: accuracy alert.</summary>
    public double MaxHorizontalSigmaMetres { get; set; } = 5;

    /// <summary>A step between two epochs is a jump when it is longer than speed x time + half the acceleration x time², plus this many of the two epochs' sigmas, plus <see cref="JumpMarginMetres"/>.</summary>
    public double JumpSigmas { get; set; } = 5;

    /// <summary>Metres added to what a step may be (rounding, a receiver without GST).</summary>
    public double JumpMarginMetres { get; set; } = 3;

    /// <summary>The largest acceleration a park vehicle has, m/s².</summary>
    public double MaxAccelerationMps2 { get; set; } = 5;

    /// <summary>A jump (of position or of time) holds its alert this long; another jump meanwhile extends it.</summary>
    public TimeSpan JumpHold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The receiver's clock and the service's moved apart by more than this between two epochs: time jump.</summary>
    public double TimeJumpSeconds { get; set; } = 1;

    /// <summary>A satellite's C/N0 this far below its own recent level (or lost) counts as dropped.</summary>
    public double Cn0DropDb { get; set; } = 10;

    /// <summary>C/N0 collapse: at least this many satellites dropped...</summary>
    public int Cn0MinSatellites { get; set; } = 6;

    /// <summary>...and at least this share of those compared.</summary>
    public double Cn0MinFraction { get; set; } = 0.5;

    /// <summary>Satellites below this elevation are not compared (they fade and set on their own).</summary>
    public double Cn0MinElevationDeg { get; set; } = 15;

    /// <summary>Satellites used fell by this share of their recent level: satellite-count collapse.</summary>
    public double SatelliteDropFraction { get; set; } = 0.5;

    /// <summary>Park-wide: the same symptom at this many receivers at once...</summary>
    public int ParkMinReceivers { get; set; } = 3;

    /// <summary>...and at this share of the receivers heard in the last minute, is one park alert.</summary>
    public double ParkMinFraction { get; set; } = 0.3;

    /// <summary>A receiver's alert waits this long for the park decision before it is raised on its own.</summary>
    public TimeSpan ParkWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Static reference receivers with their surveyed positions.</summary>
    public List<ReferenceConfig> References { get; set; } = [];
}

/// <summary>A static reference receiver (the gate's) and where it was surveyed, CGCS2000 degrees.</summary>
internal sealed class ReferenceConfig
{
    public string Receiver { get; set; } = "";

    public double Latitude { get; set; }

    public double Longitude { get; set; }

    /// <summary>Horizontal distance from the surveyed point beyond which it drifts, metres (RTK fixed: a few cm of noise).</summary>
    public double MaxDriftMetres { get; set; } = 0.10;
}
