namespace BeidouHub.Service.Integrity;

/// <summary>What an alert is about. The first eight are about one receiver; the last four about the park.</summary>
internal enum AlertKind
{
    RtkFixedLost,
    CorrectionAge,
    PositionJump,
    Accuracy,
    Cn0Collapse,
    SatelliteCollapse,
    TimeJump,
    ReferenceDrift,
    // Park-wide, strongest evidence first (the monitor relies on this order).
    Jamming,
    Spoofing,
    CorrectionsOutage,
    ParkAccuracy,
}

internal enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// One alert: open while <see cref="End"/> is null. Start and end are epoch times (receiver UTC).
/// <see cref="Receivers"/> are the receivers involved (one, or the park's at the time; the ended
/// alert has all that joined).
/// </summary>
internal sealed record IntegrityAlert(
    string Id, AlertKind Kind, AlertSeverity Severity, bool ParkWide, DateTime Start, DateTime? End, IReadOnlyList<string> Receivers, string Message);

/// <summary>An alert as the hub fans it out: <see cref="Snapshot"/> for an alert already open when the subscriber came.</summary>
internal sealed record AlertUpdate(IntegrityAlert Alert, bool Snapshot);

internal static class AlertKinds
{
    /// <summary>The park alert a symptom at many receivers at once is.</summary>
    public static AlertKind ParkKind(this AlertKind kind) => kind switch
    {
        AlertKind.Cn0Collapse or AlertKind.SatelliteCollapse => AlertKind.Jamming,
        AlertKind.PositionJump or AlertKind.TimeJump or AlertKind.ReferenceDrift => AlertKind.Spoofing,
        AlertKind.RtkFixedLost or AlertKind.CorrectionAge => AlertKind.CorrectionsOutage,
        _ => AlertKind.ParkAccuracy,
    };

    public static AlertSeverity Severity(this AlertKind kind) => kind switch
    {
        AlertKind.Jamming or AlertKind.Spoofing or AlertKind.ReferenceDrift => AlertSeverity.Critical,
        _ => AlertSeverity.Warning,
    };

    /// <summary>Configuration-style name: rtk-fixed-lost, cn0-collapse, jamming...</summary>
    public static string Name(this AlertKind kind) => kind switch
    {
        AlertKind.RtkFixedLost => "rtk-fixed-lost",
        AlertKind.CorrectionAge => "correction-age",
        AlertKind.PositionJump => "position-jump",
        AlertKind.Accuracy => "accuracy",
        AlertKind.Cn0Collapse => "cn0-collapse",
        AlertKind.SatelliteCollapse => "satellite-collapse",
        AlertKind.TimeJump => "time-jump",
        AlertKind.ReferenceDrift => "reference-drift",
        AlertKind.Jamming => "jamming",
        AlertKind.Spoofing => "spoofing",
        AlertKind.CorrectionsOutage => "corrections-outage",
        AlertKind.ParkAccuracy => "park-accuracy",
        _ => kind.ToString(),
    };

    public static string Describe(this AlertKind kind) => kind switch
    {
        AlertKind.Jamming => "jamming: C/N0 or satellites collapsed",
        AlertKind.Spoofing => "spoofing: positions or times jumped together",
        AlertKind.CorrectionsOutage => "corrections outage: RTK lost or corrections stale",
        AlertKind.ParkAccuracy => "accuracy worse than the limit",
        _ => kind.Name(),
    };
}
