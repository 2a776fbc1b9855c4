using System.Buffers;
using BeidouHub.Geo;
using BeidouHub.Geo.Zones;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Integrity;
using BeidouHub.Simulator;

namespace BeidouHub.Service.Tests.Integrity;

/// <summary>
/// Simulated receivers driven through the real decoder into an <see cref="IntegrityMonitor"/> as
/// fast as they compute, not in real time: an hour of a fleet in seconds. Each update is published
/// at its true time plus a fixed 50 ms (the service's clock), so a receiver whose reported time is
/// spoofed differs from it.
/// </summary>
internal sealed class SimulatedPark
{
    private static readonly GaussKrugerGrid Grid = GaussKrugerGrid.FromEpsg(4547);
    private readonly GeoPipeline _geo = new(Grid, null, new ZoneMonitor([], new ZoneMonitorOptions(), Grid));
    private readonly List<(NmeaSimulator Simulator, NmeaDecoder Decoder, Sink Sink)> _receivers = [];

    public SimulatedPark(IntegrityConfig config, IEnumerable<SimulatedReceiverOptions> receivers)
    {
        Monitor = new IntegrityMonitor(config, Alerts.Add);
        foreach (SimulatedReceiverOptions o in receivers)
        {
            var sink = new Sink(this);
            _receivers.Add((new NmeaSimulator(o), new NmeaDecoder(o.Name, sink), sink));
        }
    }

    public IntegrityMonitor Monitor { get; }

    /// <summary>Every start and end the monitor raised, in order.</summary>
    public List<IntegrityAlert> Alerts { get; } = [];

    /// <summary>Runs every receiver for <paramref name="duration"/>, epoch by epoch, all receivers at each epoch time.</summary>
    public void Run(TimeSpan duration)
    {
        var buffer = new ArrayBufferWriter<byte>(8192);
        long epochs = _receivers[0].Simulator.EpochCount(duration);
        for (long i = 0; i < epochs; i++)
        {
            foreach ((NmeaSimulator simulator, NmeaDecoder decoder, Sink sink) in _receivers)
            {
                buffer.Clear();
                sink.PublishedAt = new DateTimeOffset(simulator.EpochTime(i)).AddMilliseconds(50);
                simulator.WriteEpoch(i, buffer);
                var bytes = new ReadOnlySequence<byte>(buffer.WrittenMemory);
                decoder.Decode(ref bytes, isFinalBlock: false);

                // Handed out now, as the service's idle flush does a quarter cycle after the last byte.
                decoder.Assembler.Flush();
            }
        }
    }

    /// <summary>The fleet of <see cref="SimulatedFleet"/>, each with <paramref name="change"/> applied.</summary>
    public static IEnumerable<SimulatedReceiverOptions> Fleet(int count, ulong seed, Func<SimulatedReceiverOptions, SimulatedReceiverOptions>? change = null)
    {
        var fleet = new SimulationOptions { Count = count, Seed = seed, RateHz = 1 };
        return Enumerable.Range(0, count).Select(i => SimulatedFleet.ReceiverOptions(fleet, i)).Select(o => change is null ? o : change(o)).ToList();
    }

    private sealed class Sink(SimulatedPark park) : IEpochSink
    {
        public DateTimeOffset PublishedAt { get; set; }

        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch) => park.Monitor.Observe(PositionUpdate.From(epoch, complete: true, park._geo, [], PublishedAt));
    }
}
