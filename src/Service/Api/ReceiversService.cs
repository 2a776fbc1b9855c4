using System.Threading.Channels;
using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.Corrections;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Security;
using Grpc.Core;
using ProtoReceiverStatus = BeidouHub.Protocol.V1.ReceiverStatus;

namespace BeidouHub.Service.Api;

/// <summary>beidouhub.v1.Receivers: receiver list, state and statistics.</summary>
internal sealed class ReceiversService : Protocol.V1.Receivers.ReceiversBase
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    private readonly ReceiverHost _host;
    private readonly CorrectionsHost _corrections;
    private readonly TimeProvider _time;
    private readonly RemoteReceivers _remote;

    public ReceiversService(ReceiverHost host, CorrectionsHost corrections, TimeProvider time, RemoteReceivers remote)
    {
        _host = host;
        _corrections = corrections;
        _time = time;
        _remote = remote;
    }

    // Only the receivers of the caller's scope: their ids, sources and counters are as telling as their positions.
    // In a cluster: every receiver of the cluster, each as the node that reads it last said.
    public override Task<ListReceiversResponse> ListReceivers(ListReceiversRequest request, ServerCallContext context)
    {
        IdScope scope = context.Access().Scope.Receivers;
        var response = new ListReceiversResponse();
        response.Receivers.AddRange(_host.Workers.Where(w => scope.Matches(w.Id)).Select(Status));
        if (_remote.Node is not null)
        {
            response.Receivers.AddRange(_remote.All.Where(r => scope.Matches(r.Id) && !_host.Workers.Any(w => w.Id == r.Id)));
        }

        return Task.FromResult(response);
    }

    private ProtoReceiverStatus Status(ReceiverWorker w)
    {
        if (_remote.Node is null)
        {
            return WithCorrections(ProtoMapping.ToProto(w.Snapshot()), w);
        }

        if (_host.StandsBy(w))
        {
            if (_remote.TryGet(w.Id, out ProtoReceiverStatus? there))
            {
                return there!;
            }

            ProtoReceiverStatus standby = ProtoMapping.ToProto(w.Snapshot());
            standby.State = ConnectionState.Standby;
            return standby;
        }

        ProtoReceiverStatus here = WithCorrections(ProtoMapping.ToProto(w.Snapshot()), w);
        here.Node = _remote.Node;
        return here;
    }

    // The receiver's correction stream, when this node runs one for it.
    private ProtoReceiverStatus WithCorrections(ProtoReceiverStatus status, ReceiverWorker w)
    {
        if (_corrections.For(w.Id) is { } client)
        {
            status.Corrections = ProtoMapping.ToProto(client.Snapshot());
        }

        return status;
    }

    public override async Task WatchReceivers(WatchReceiversRequest request, IServerStreamWriter<ProtoReceiverStatus> responseStream, ServerCallContext context)
    {
        CallAccess access = context.Access();
        IdScope scope = access.Scope.Receivers;
        // Waits end on a revoked credential too; writes only when the client is gone (a write
        // cancelled mid-way aborts the HTTP/2 stream, and the client would see CANCELLED instead
        // of UNAUTHENTICATED), so a revocation stops the stream between writes.
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, access.Revoked);
        CancellationToken cancel = both.Token;
        CancellationToken writes = context.CancellationToken;
        var changes = Channel.CreateBounded<ReceiverWorker>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        void OnChange(ReceiverWorker w)
        {
            if (scope.Matches(w.Id))
            {
                changes.Writer.TryWrite(w);
            }
        }

        ReceiverWorker[] visible = [.. _host.Workers.Where(w => scope.Matches(w.Id))];
        _host.StateChanged += OnChange;
        try
        {
            foreach (ReceiverWorker w in visible)
            {
                await WriteAsync(w).ConfigureAwait(false);
            }

            await WriteRemoteAsync().ConfigureAwait(false);
            using var timer = new PeriodicTimer(Refresh, _time);
            Task<bool> tick = timer.WaitForNextTickAsync(cancel).AsTask();
            while (!cancel.IsCancellationRequested)
            {
                Task<bool> change = changes.Reader.WaitToReadAsync(cancel).AsTask();
                if (await Task.WhenAny(change, tick).ConfigureAwait(false) == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    foreach (ReceiverWorker w in visible)
                    {
                        await WriteAsync(w).ConfigureAwait(false);
                    }

                    await WriteRemoteAsync().ConfigureAwait(false);
                    tick = timer.WaitForNextTickAsync(cancel).AsTask();
                    continue;
                }

                await change.ConfigureAwait(false);
                while (changes.Reader.TryRead(out ReceiverWorker? w))
                {
                    await WriteAsync(w).ConfigureAwait(false);
                }
            }

            cancel.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away. (A revoked credential's cancellation goes on to the access interceptor.)
        }
        finally
        {
            _host.StateChanged -= OnChange;
        }

        Task WriteAsync(ReceiverWorker w)
        {
            cancel.ThrowIfCancellationRequested();
            return responseStream.WriteAsync(Status(w), writes);
        }

        // In a cluster, the receivers only other nodes have: as they last said, at each refresh.
        async Task WriteRemoteAsync()
        {
            if (_remote.Node is null)
            {
                return;
            }

            foreach (ProtoReceiverStatus r in _remote.All.Where(r => scope.Matches(r.Id) && !_host.Workers.Any(w => w.Id == r.Id)))
            {
                cancel.ThrowIfCancellationRequested();
                await responseStream.WriteAsync(r, writes).ConfigureAwait(false);
            }
        }
    }
}
