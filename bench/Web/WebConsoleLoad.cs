using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace BeidouHub.Bench.Web;

/// <summary>
/// Does the web console keep up? The real service (built Release) with a simulated fleet, the page
/// in Debian's Chromium (headless, 1366x768, Playwright), and the page's own counters: positions
/// received per second against what the fleet sends, their age on arrival (published_at to the
/// page's clock: a page falling behind shows it as a growing lag), and the time each frame's
/// redraw takes. Measured in windows, so a lag that grows is seen growing.
/// </summary>
internal static partial class WebConsoleLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        int receivers = 1000;
        double rate = 2;
        int seconds = 30;
        int warmup = 10;
        int windows = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string v = args[i + 1];
            switch (args[i])
            {
                case "--receivers": receivers = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--windows": windows = int.Parse(v, CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("usage: bench web-console [--receivers 1000] [--rate 2] [--seconds 30] [--warmup 10] [--windows 3]");
                    return 2;
            }
        }

        const string Chromium = "/usr/bin/chromium";
        if (!File.Exists(Chromium))
        {
            Console.Error.WriteLine($"web-console: {Chromium} is absent (apt-get install chromium)");
            return 1;
        }

        string dll = Path.Combine(Corpus.RepositoryRoot, "src", "Service", "bin", "Release", "net10.0", "beidouhub.dll");
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { dll, "serve" }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["BeidouHub__Listen"] = "http://127.0.0.1:0";
        start.Environment["BeidouHub__Web__Listen"] = "http://127.0.0.1:0";
        start.Environment["BeidouHub__History__Enabled"] = "false";
        start.Environment["BeidouHub__Receivers__0__Id"] = "veh";
        start.Environment["BeidouHub__Receivers__0__Source"] = string.Create(CultureInfo.InvariantCulture, $"sim://?fleet={receivers}&rate={rate}");
        Console.WriteLine($"service: dotnet {dll} serve, {receivers} simulated receivers at {rate} Hz (sim://?fleet={receivers}&rate={rate}), history off");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        using Process service = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        var console = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        service.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ConsoleLine().Match(line) is { Success: true } m)
            {
                console.TrySetResult(m.Groups[1].Value);
            }
        };
        service.ErrorDataReceived += (_, e) => { };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            string url = await console.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            using IPlaywright playwright = await Playwright.CreateAsync().ConfigureAwait(false);
            await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] }).ConfigureAwait(false);
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } }).ConfigureAwait(false);
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(url).ConfigureAwait(false);
            Console.WriteLine($"page: {url} in Chromium (headless, 1366x768); warm-up {warmup} s, then {windows} windows of {seconds} s");
            await Task.Delay(TimeSpan.FromSeconds(warmup)).ConfigureAwait(false);
            await page.EvaluateAsync("() => window.beidouhubConsole.stats()").ConfigureAwait(false);
            double expected = receivers * Math.Min(rate, 2);
            for (int w = 1; w <= windows; w++)
            {
                TimeSpan cpuBefore = service.TotalProcessorTime;
                await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
                JsonElement s = await page.EvaluateAsync<JsonElement>("() => window.beidouhubConsole.stats()").ConfigureAwait(false);
                double cpu = (service.TotalProcessorTime - cpuBefore).TotalSeconds / seconds;
                double perSecond = s.GetProperty("positions").GetDouble() / s.GetProperty("seconds").GetDouble();
                JsonElement lag = s.GetProperty("lag");
                JsonElement draw = s.GetProperty("draw");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"window {w}: {perSecond:F0} positions/s received of {expected:F0} sent (map rate 2 Hz), {s.GetProperty("receivers").GetInt32()} receivers on the map; " +
                    $"lag published_at -> page p50 {Ms(lag, "p50")} / p99 {Ms(lag, "p99")} / max {Ms(lag, "max")} ms; " +
                    $"frames {s.GetProperty("frames").GetInt32() / s.GetProperty("seconds").GetDouble():F1}/s, redraw p50 {Ms(draw, "p50")} / p99 {Ms(draw, "p99")} / max {Ms(draw, "max")} ms; " +
                    $"main thread in tasks > 50 ms {100 * s.GetProperty("longTasksMs").GetDouble() / 1000 / s.GetProperty("seconds").GetDouble():F0} % of the time; service {cpu:F2} cores"));
            }

            Console.WriteLine(errors.Count == 0 ? "page errors: none" : "page errors: " + string.Join(" | ", errors));
            return 0;
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync().ConfigureAwait(false);
        }

        static string Ms(JsonElement e, string name) =>
            e.GetProperty(name).ValueKind == JsonValueKind.Number ? e.GetProperty(name).GetDouble().ToString("F1", CultureInfo.InvariantCulture) : "-";
    }

    [GeneratedRegex(@"web console on (http://\S+) ")]
    private static partial Regex ConsoleLine();
}
