using System.Diagnostics;
using BeidouHub.Protocol.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace BeidouHub.Bench.Load;

/// <summary>
/// One gRPC subscriber on Grpc.Net.Client, as a park's .NET application would be one: its own
/// channel (one HTTP/2 connection) and StreamPositions call; each Position is measured as
/// <see cref="PositionWatcher"/> says. With <paramref name="headers"/> (--auth) it presents its
/// application's key.
/// </summary>
internal sealed class Subscriber(Uri address, StreamPositionsRequest request, SeedEpochs? seed, Feeder? feeder, long windowStart, long windowEnd, Metadata? headers = null)
    : PositionWatcher(request, seed, feeder, windowStart, windowEnd)
{
    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using GrpcChannel channel = GrpcChannel.ForAddress(address);
            var client = new Positions.PositionsClient(channel);
            using AsyncServerStreamingCall<Position> call = client.StreamPositions(Request, headers, cancellationToken: cancellationToken);
            await foreach (Position p in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Hold(p, Stopwatch.GetTimestamp(), DateTime.UtcNow);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            // Stopped by the harness.
        }
        catch (OperationCanceledException)
        {
            // Stopped by the harness.
        }
        catch (RpcException e)
        {
            Error = e;
        }
    }
}
