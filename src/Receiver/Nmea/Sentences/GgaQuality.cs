namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>GGA field 6, the fix quality indicator (NMEA 0183 2.3+ values 0–8).</summary>
public enum GgaQuality : byte
{
    /// <summary>0: fix not available or invalid.</summary>
    NoFix = 0,
    /// <summary>1: autonomous GNSS fix (SPS).</summary>
    Autonomous = 1,
    /// <summary>2: differential GNSS fix (DGPS, SBAS).</summary>
    Differential = 2,
    /// <summary>3: PPS fix.</summary>
    Pps = 3,
    /// <summary>4: RTK with fixed integers.</summary>
    RtkFixed = 4,
    /// <summary>5: RTK with float ambiguities.</summary>
    RtkFloat = 5,
    /// <summary>6: estimated (dead reckoning).</summary>
    Estimated = 6,
    /// <summary>7: manual input.</summary>
    Manual = 7,
    /// <summary>8: simulator.</summary>
    Simulator = 8,
}
