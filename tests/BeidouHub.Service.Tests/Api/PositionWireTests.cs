using System.Buffers;
using System.Collections.Concurrent;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Api;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BeidouHub.Service.Tests.Api;

/// <summary>
/// StreamPositions writes each update's message, serialised once per shape, to every subscriber of
/// that shape: what a client receives is byte for byte what serialising its own message would give.
/// </summary>
public class PositionWireTests
{
    // StreamPositions as a client that keeps each response's payload as it came off the wire.
    private static readonly Method<StreamPositionsRequest, byte[]> RawStreamPositions = new(
        MethodType.ServerStreaming,
        "beidouhub.v1.Positions",
        "StreamPositions",
        Marshallers.Create<StreamPositionsRequest>(r => r.ToByteArray(), StreamPositionsRequest.Parser.ParseFrom),
        Marshallers.Create<byte[]>(b => b, b => b));

    [Fact]
    public async Task StreamPositions_SubscribersOfSeveralShapes_EachGetsTheBytesItsOwnMessageSerialisesTo()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=truck-a", $"--BeidouHub:Receivers:0:Source={feed.Uri}");
        var requests = new Dictionary<string, StreamPositionsRequest>
        {
            ["plain-1"] = new(),
            ["plain-2"] = new(),
            ["grid-gcj-sats-1"] = new() { Coordinates = { CoordinateSystem.Grid, CoordinateSystem.Gcj02 }, IncludeSatellites = true },
            ["grid-gcj-sats-2"] = new() { Coordinates = { CoordinateSystem.Grid, CoordinateSystem.Gcj02 }, IncludeSatellites = true },
            ["bd09"] = new() { Coordinates = { CoordinateSystem.Bd09 } },
            ["early"] = new() { Delivery = Delivery.Early },
        };
        var subs = requests.ToDictionary(kv => kv.Key, kv => new RawCollector(service.Channel.CreateCallInvoker(), kv.Value));
        await Eventually.True(() => service.Hub.SubscriberCount == subs.Count, "all subscriptions");
        await feed.AcceptAsync();

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));
        feed.Close();
        await Eventually.True(() => subs.Values.All(c => c.Count == 60), "60 positions each");
        foreach (RawCollector c in subs.Values)
        {
            c.Dispose();
        }

        Dictionary<string, List<byte[]>> got = subs.ToDictionary(kv => kv.Key, kv => kv.Value.Items);

        // Every payload is what the client's own message serialises to (no field out of order, none twice).
        Assert.All(got.Values.SelectMany(p => p), bytes => Assert.Equal(bytes, Position.Parser.ParseFrom(bytes).ToByteArray()));

        // Subscribers of one shape got the same bytes; other shapes got their own content.
        Assert.Equal(got["plain-1"], got["plain-2"]);
        Assert.Equal(got["grid-gcj-sats-1"], got["grid-gcj-sats-2"]);
        Assert.NotEqual(got["plain-1"], got["bd09"]);
        Position plain = Position.Parser.ParseFrom(got["plain-1"][^1]);
        Position rich = Position.Parser.ParseFrom(got["grid-gcj-sats-1"][^1]);
        Position bd09 = Position.Parser.ParseFrom(got["bd09"][^1]);
        Assert.Equal((false, false, false), (plain.Gcj02 is not null, plain.Bd09 is not null, plain.Satellites.Count > 0));
        Assert.Equal((true, false, true), (rich.Gcj02 is not null, rich.Bd09 is not null, rich.Satellites.Count > 0));
        Assert.Equal((false, true, false), (bd09.Gcj02 is not null, bd09.Bd09 is not null, bd09.Satellites.Count > 0));
        Assert.All(got["early"], bytes => Assert.False(Position.Parser.ParseFrom(bytes).Complete));

        // StreamPositions is bound with the marshaller that writes remembered bytes ...
        Grpc.AspNetCore.Server.GrpcMethodMetadata bound = Assert.Single(
            service.Services.GetRequiredService<EndpointDataSource>().Endpoints
                .Select(e => e.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>())
                .OfType<Grpc.AspNetCore.Server.GrpcMethodMetadata>(),
            m => m.Method.FullName == "/beidouhub.v1.Positions/StreamPositions");
        Assert.Same(PositionWire.Marshaller, Assert.IsType<Method<StreamPositionsRequest, Position>>(bound.Method).ResponseMarshaller);

        // ... and the last update went out through the shared path: its three complete shapes were built
        // and serialised once each, and those bytes are what the clients hold.
        Assert.True(service.Hub.TryGetLatest("truck-a", out PositionUpdate? latest));
        var shared = Assert.IsType<SharedPositions>(latest!.WireCache);
        foreach ((string name, PositionShape shape) in new[]
        {
            ("plain-1", new PositionShape(false, false, false, false, false)),
            ("grid-gcj-sats-1", new PositionShape(true, false, true, false, true)),
            ("bd09", new PositionShape(false, false, false, true, false)),
        })
        {
            Position message = Assert.IsType<Position>(shared.Find(shape));
            Assert.True(PositionWire.TryGetBytes(message, out byte[]? bytes), name);
            Assert.Equal(bytes, got[name][^1]);
            Assert.Equal(ProtoMapping.ToProto(latest, shape, dropped: 0).ToByteArray(), got[name][^1]);
        }
    }

    [Fact]
    public void Marshaller_SharedMessageAndOwnCopy_SameBytesAsTheGeneratedSerialiser()
    {
        var shared = new Position { ReceiverId = "truck-a", Sequence = 7, Latitude = 27.828, Longitude = 113.134, Complete = true, ZoneIds = { "yard" } };
        PositionWire.Remember(shared);
        Position own = shared.Clone();
        own.Dropped = 3;

        Assert.True(PositionWire.TryGetBytes(shared, out _));
        Assert.False(PositionWire.TryGetBytes(own, out _));
        Assert.Equal(shared.ToByteArray(), Serialize(shared));
        Assert.Equal(own.ToByteArray(), Serialize(own));
        Assert.Equal(3UL, Position.Parser.ParseFrom(Serialize(own)).Dropped);
    }

    private static byte[] Serialize(Position message)
    {
        var context = new BufferContext();
        PositionWire.Marshaller.ContextualSerializer(message, context);
        Assert.True(context.Completed);
        Assert.Equal(context.PayloadLength, context.Buffer.WrittenCount);
        return context.Buffer.WrittenSpan.ToArray();
    }

    // The serialisation context grpc-dotnet hands a marshaller is internal to it; this one records
    // what the marshaller does with it (the real one is exercised by the stream test above).
    private sealed class BufferContext : SerializationContext
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new();

        public int PayloadLength { get; private set; } = -1;

        public bool Completed { get; private set; }

        public override void SetPayloadLength(int payloadLength) => PayloadLength = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => Buffer;

        public override void Complete() => Completed = true;

        public override void Complete(byte[] payload)
        {
            Buffer.Write(payload);
            Completed = true;
        }
    }

    /// <summary>Reads a raw position stream in the background.</summary>
    private sealed class RawCollector : IDisposable
    {
        private readonly ConcurrentQueue<byte[]> _items = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly AsyncServerStreamingCall<byte[]> _call;

        public RawCollector(CallInvoker invoker, StreamPositionsRequest request)
        {
            _call = invoker.AsyncServerStreamingCall(RawStreamPositions, null, new CallOptions(cancellationToken: _stop.Token), request);
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (byte[] p in _call.ResponseStream.ReadAllAsync(_stop.Token))
                    {
                        _items.Enqueue(p);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
                {
                    // Stopped by the test.
                }
            });
        }

        public int Count => _items.Count;

        public List<byte[]> Items => [.. _items];

        public void Dispose()
        {
            _stop.Cancel();
            _call.Dispose();
            _stop.Dispose();
        }
    }
}
