using System.Globalization;
using System.Text;

namespace BeidouHub.Receiver.Workers;

/// <summary>Where and how a receiver's raw bytes are recorded.</summary>
public sealed record RecordingOptions
{
    /// <summary>
    /// Folder of the recordings; files go to <c>{Directory}/{receiver}/{yyyyMMdd-HH}.nmea</c> (UTC hour),
    /// then <c>{yyyyMMdd-HH}_001.nmea</c> and on when <see cref="MaxFileBytes"/> cuts an hour.
    /// </summary>
    public required string Directory { get; init; }

    /// <summary>Start a new file when this many bytes are written (default 64 MiB).</summary>
    public long MaxFileBytes { get; init; } = 64L << 20;

    /// <summary>Start a new file at every UTC hour (default true).</summary>
    public bool RotateHourly { get; init; } = true;
}

/// <summary>
/// Tees a receiver's bytes into rotating files, each starting with a <c>#</c> header line that
/// names receiver, source and start time, so a file replays through <c>replay://</c> and
/// <c>decode</c> as it is. Files are cut at line ends so no sentence is split across two files.
/// An I/O error (full disk, unwritable folder) disables recording with <see cref="Error"/> set;
/// it never throws into the receiver's positioning.
/// </summary>
public sealed class RawRecorder : IDisposable
{
    private readonly RecordingOptions _options;
    private readonly string _receiver;
    private readonly string _source;
    private readonly TimeProvider _time;
    private FileStream? _file;
    private string? _hour;
    private long _written;
    private int _part;
    private bool _rotatePending;

    /// <summary>Creates a recorder; nothing is opened until the first bytes arrive.</summary>
    public RawRecorder(RecordingOptions options, string receiver, string source, TimeProvider? time = null)
    {
        _options = options;
        _receiver = receiver;
        _source = source;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Why recording stopped, or null while it works.</summary>
    public string? Error { get; private set; }

    /// <summary>The file being written, if any.</summary>
    public string? CurrentFile => _file?.Name;

    /// <summary>Bytes recorded so far (headers excluded).</summary>
    public long Bytes { get; private set; }

    /// <summary>Files started so far.</summary>
    public int Files { get; private set; }

    /// <summary>Records bytes; returns false once recording is disabled.</summary>
    public bool Write(ReadOnlySpan<byte> data)
    {
        if (Error is not null)
        {
            return false;
        }

        try
        {
            while (!data.IsEmpty)
            {
                string hour = _time.GetUtcNow().ToString("yyyyMMdd-HH", CultureInfo.InvariantCulture);
                if (_file is null || (_options.RotateHourly && hour != _hour) || _written >= _options.MaxFileBytes)
                {
                    _rotatePending = _file is not null;
                }

                if (_rotatePending)
                {
                    // Finish the current line in the old file, then start the new one.
                    int lineEnd = data.IndexOf((byte)'\n');
                    if (lineEnd < 0)
                    {
                        WriteRaw(data);
                        return true;
                    }

                    WriteRaw(data[..(lineEnd + 1)]);
                    data = data[(lineEnd + 1)..];
                    _rotatePending = false;
                    Open(hour);
                    continue;
                }

                if (_file is null)
                {
                    Open(hour);
                }

                // A read can bring more than a file's room (a burst, a slow reader): up to the limit
                // here, then the line that crosses it is finished in this file and a new one starts.
                long room = _options.MaxFileBytes - _written;
                if (data.Length > room)
                {
                    int take = (int)Math.Max(room, 0);
                    WriteRaw(data[..take]);
                    data = data[take..];
                    _rotatePending = true;
                    continue;
                }

                WriteRaw(data);
                data = default;
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Error = $"recording to '{_options.Directory}' disabled: {e.Message}";
            Close();
            return false;
        }
    }

    /// <summary>Flushes to disk (called at disconnects and on a timer by the worker).</summary>
    public void Flush()
    {
        try
        {
            _file?.Flush();
        }
        catch (IOException e)
        {
            Error = $"recording to '{_options.Directory}' disabled: {e.Message}";
            Close();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    private void WriteRaw(ReadOnlySpan<byte> data)
    {
        _file!.Write(data);
        _written += data.Length;
        Bytes += data.Length;
    }

    private void Open(string hour)
    {
        Close();
        string folder = Path.Combine(_options.Directory, Sanitise(_receiver));
        System.IO.Directory.CreateDirectory(folder);
        _part = hour == _hour ? _part + 1 : 0;
        _hour = hour;
        // {hour}.nmea, then {hour}_001.nmea ... when the size cap cuts an hour: names sort in
        // recording order ('_' sorts after '.').
        string path = Path.Combine(folder, PartName(hour, _part));
        while (File.Exists(path))
        {
            _part++;
            path = Path.Combine(folder, PartName(hour, _part));
        }

        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        string header = $"# BeidouHub recording: receiver={_receiver} source={_source} started={_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}\n";
        _file.Write(Encoding.UTF8.GetBytes(header));
        _written = 0;
        Files++;
    }

    private static string PartName(string hour, int part) =>
        part == 0 ? hour + ".nmea" : string.Create(CultureInfo.InvariantCulture, $"{hour}_{part:000}.nmea");

    private void Close()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // Nothing more can be done for this file; the error was or will be reported by Write.
        }

        _file = null;
    }

    private static string Sanitise(string id)
    {
        var sb = new StringBuilder(id.Length);
        foreach (char c in id)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return sb.Length == 0 ? "receiver" : sb.ToString();
    }
}
