using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BeidouHub.Bench.Decoding;

namespace BeidouHub.Bench;

/// <summary>
/// MB/s (10^6 bytes per second of Mean) and ns per sentence for the benchmarks over a capture
/// (a <c>Capture</c> parameter), computed from its size and sentence count; "-" for the others.
/// </summary>
internal sealed class ThroughputColumn : IColumn
{
    public static readonly IColumn MegabytesPerSecond = new ThroughputColumn("MB/s", perSentence: false);
    public static readonly IColumn NanosecondsPerSentence = new ThroughputColumn("ns/sentence", perSentence: true);

    private const string CaptureParameter = nameof(StreamIngestBenchmarks.Capture);

    private readonly bool _perSentence;

    private ThroughputColumn(string name, bool perSentence)
    {
        ColumnName = name;
        _perSentence = perSentence;
    }

    public string Id => nameof(ThroughputColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _perSentence ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _perSentence
        ? "Mean divided by the sentences the parser accepts in the capture"
        : "Capture bytes divided by Mean, 10^6 bytes per second";

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(b => b.Parameters.Items.Any(p => p.Name == CaptureParameter));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (!benchmarkCase.Parameters.Items.Any(p => p.Name == CaptureParameter)
            || benchmarkCase.Parameters[CaptureParameter] is not string capture
            || summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        double meanNs = stats.Mean;
        return _perSentence
            ? (meanNs / CaptureData.Sentences(capture)).ToString("0.0", CultureInfo.InvariantCulture)
            : (CaptureData.Bytes(capture).Length / (meanNs / 1e9) / 1e6).ToString("0", CultureInfo.InvariantCulture);
    }
}
