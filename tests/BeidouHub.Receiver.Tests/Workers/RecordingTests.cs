using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;

namespace BeidouHub.Receiver.Tests.Workers;

public class RecordingTests
{
    [SkippableTheory]
    [MemberData(nameof(SerialWorkerTests.IoModes), MemberType = typeof(SerialWorkerTests))]
    public async Task RunAsync_RecordingPtyStream_FilesReplayToTheSameEpochs(string io)
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        string dir = Directory.CreateTempSubdirectory("beidouhub-rec-").FullName;
        try
        {
            byte[] bytes = [.. NmeaText.Bytes(CycleBuilder.Cycles(30)), 0xB5, 0x62, 0x01, 0x07, 0x00, 0x00, 0x08, 0x19, .. NmeaText.Bytes(CycleBuilder.Cycles(5, startSecond: 30))];
            var sink = new ConcurrentSink();
            using var pty = PseudoTerminal.Open();

            // Small files so the recording rotates: every file must stand on its own.
            var recording = new RecordingOptions { Directory = dir, MaxFileBytes = 8 * 1024 };
            using var worker = SerialWorkerTests.Worker(pty.SlavePath, sink, recording: recording, io: io);
            using var stop = new CancellationTokenSource();
            Task run = worker.RunAsync(stop.Token);
            await Eventually.True(() => worker.State == ReceiverState.Connected, "connected");
            var random = new Random(7);
            for (int at = 0; at < bytes.Length;)
            {
                int n = Math.Min(random.Next(1, 3000), bytes.Length - at);
                pty.Write(bytes.AsSpan(at, n));
                at += n;
            }

            await Eventually.True(() => worker.Snapshot().Bytes == bytes.Length, "every byte read");
            pty.Dispose();
            await Eventually.True(() => worker.State != ReceiverState.Connected, "unplugged");
            await stop.CancelAsync();
            await run;

            string[] files = Directory.GetFiles(Path.Combine(dir, "serial-test"), "*.nmea").Order(StringComparer.Ordinal).ToArray();
            Assert.True(files.Length >= 3, $"expected rotation, got {files.Length} file(s)");
            Assert.All(files, f => Assert.StartsWith("# BeidouHub recording: receiver=serial-test source=serial://", File.ReadLines(f).First(), StringComparison.Ordinal));

            // Played back to back, the files are the stream: the same epochs. Each file alone is
            // whole sentences (the cut falls at a line end), so no sentence is lost or damaged.
            List<string> replayed = EpochText.Of(SerialWorkerTests.DecodeAll(files.SelectMany(File.ReadAllBytes).ToArray()));
            Assert.Equal(EpochText.Of(sink.Snapshot()), replayed);
            Assert.Equal(35, replayed.Count);
            long sentencesInFiles = files.Sum(f => SentencesIn(File.ReadAllBytes(f)));
            Assert.Equal(worker.Snapshot().Sentences, sentencesInFiles);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long SentencesIn(byte[] file)
    {
        var decoder = new BeidouHub.Receiver.Decoding.NmeaDecoder("count", new RecordingSink());
        var seq = new System.Buffers.ReadOnlySequence<byte>(file);
        decoder.Decode(ref seq, isFinalBlock: true);
        Assert.Equal(0, decoder.Statistics.RejectedTotal);
        return decoder.Statistics.Sentences;
    }

    // One write of 25 kB with 8 kB files (a read after a burst): the files are cut inside the write,
    // each at the first line end past 8 kB, not after the whole write (a pty run under load once
    // read the stream in two chunks and made two files).
    [Fact]
    public void Write_OneChunkOfSeveralFiles_CutsAtLineEndsPastTheLimit()
    {
        string dir = Directory.CreateTempSubdirectory("beidouhub-rec-").FullName;
        try
        {
            byte[] bytes = NmeaText.Bytes(CycleBuilder.Cycles(40));
            Assert.True(bytes.Length > 3 * 8 * 1024, $"the test needs more than three files' worth, has {bytes.Length} bytes");
            using (var recorder = new RawRecorder(new RecordingOptions { Directory = dir, MaxFileBytes = 8 * 1024 }, "gate-1", "tcp://x:1"))
            {
                Assert.True(recorder.Write(bytes));
            }

            string[] files = Directory.GetFiles(Path.Combine(dir, "gate-1"), "*.nmea").Order(StringComparer.Ordinal).ToArray();
            Assert.True(files.Length > 3, $"expected more than 3 files, got {files.Length}");
            var body = new List<byte>();
            foreach (string f in files)
            {
                byte[] content = File.ReadAllBytes(f);
                int header = Array.IndexOf(content, (byte)'\n') + 1;
                byte[] recorded = content[header..];

                // Past the limit by less than one sentence, and ended by a line end.
                Assert.InRange(recorded.Length, 1, (8 * 1024) + 100);
                Assert.Equal((byte)'\n', recorded[^1]);
                body.AddRange(recorded);
            }

            Assert.Equal(bytes, body.ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Write_UnwritableFolder_DisablesRecordingWithClearError()
    {
        string file = Path.GetTempFileName(); // a file where the recorder expects a folder
        try
        {
            using var recorder = new RawRecorder(new RecordingOptions { Directory = Path.Combine(file, "sub") }, "gate-1", "tcp://x:1");

            bool ok = recorder.Write(NmeaText.Bytes(CycleBuilder.Cycle(0)));

            Assert.False(ok);
            Assert.StartsWith($"recording to '{Path.Combine(file, "sub")}' disabled:", recorder.Error, StringComparison.Ordinal);
            Assert.False(recorder.Write("$GPGGA\r\n"u8));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_RecordingFails_PositioningGoesOn()
    {
        string file = Path.GetTempFileName();
        string capture = ReplayWorkerTests.WriteCapture(CycleBuilder.Cycles(10));
        try
        {
            var sink = new ConcurrentSink();
            var log = new ListLogger();
            var options = new ReceiverOptions
            {
                Id = "rec-fail",
                Source = $"replay://{capture}?speed=0",
                Recording = new RecordingOptions { Directory = Path.Combine(file, "sub") },
            };
            using var worker = new ReceiverWorker(options, ByteSources.Create(SourceOptions.Parse(options.Source)), sink, log);

            await worker.RunAsync(CancellationToken.None);

            Assert.Equal(10, sink.Count);
            Assert.Contains("disabled", worker.Snapshot().LastError, StringComparison.Ordinal);
            Assert.Single(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        }
        finally
        {
            File.Delete(file);
            File.Delete(capture);
        }
    }
}
