using System.Net;

namespace BeidouHub.Service.Security;

/// <summary>
/// Bad credentials per peer (IP address) in a fixed window: after <see cref="Limit"/> failures a
/// peer's calls are refused at once, without looking at their credential, until its window ends
/// (RESOURCE_EXHAUSTED). Also rate-limits the audit lines: the first few failures of a window are
/// logged, then one line says the rest are not. The table holds at most <see cref="Capacity"/>
/// peers: when full, expired windows go first, then the oldest window, so a flood of addresses
/// costs bounded memory.
/// </summary>
internal sealed class FailureLimiter
{
    public const int Limit = 10;
    public const int LoggedPerWindow = 3;
    public const int Capacity = 4096;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<IPAddress, Entry> _peers = [];
    private readonly TimeProvider _time;
    private readonly int _capacity;

    public FailureLimiter(TimeProvider time, int capacity = Capacity)
    {
        _time = time;
        _capacity = capacity;
    }

    /// <summary>What to log about a failure.</summary>
    internal enum Logging
    {
        /// <summary>Log this failure.</summary>
        Log,

        /// <summary>Say once that further failures in this window are not logged.</summary>
        LogLast,

        /// <summary>Nothing.</summary>
        Quiet,
    }

    public int Count
    {
        get
        {
            lock (_peers)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>True when the peer has failed <see cref="Limit"/> times in its current window; <paramref name="retryAfter"/> says until when.</summary>
    public bool IsLimited(IPAddress peer, out DateTimeOffset retryAfter)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_peers)
        {
            if (_peers.TryGetValue(peer, out Entry? e) && now < e.WindowEnd && e.Failures >= Limit)
            {
                retryAfter = e.WindowEnd;
                return true;
            }
        }

        retryAfter = default;
        return false;
    }

    /// <summary>Counts a failure; says whether the audit log should carry it.</summary>
    public Logging RecordFailure(IPAddress peer, bool countsTowardLimit = true)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_peers)
        {
            if (!_peers.TryGetValue(peer, out Entry? e) || now >= e.WindowEnd)
            {
                if (e is null && _peers.Count >= _capacity)
                {
                    MakeRoom(now);
                }

                e = new Entry { WindowEnd = now + Window };
                _peers[peer] = e;
            }

            if (countsTowardLimit)
            {
                e.Failures++;
            }

            e.Logged++;
            return e.Logged <= LoggedPerWindow ? Logging.Log : e.Logged == LoggedPerWindow + 1 ? Logging.LogLast : Logging.Quiet;
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        List<IPAddress> expired = [.. _peers.Where(p => now >= p.Value.WindowEnd).Select(p => p.Key)];
        foreach (IPAddress p in expired)
        {
            _peers.Remove(p);
        }

        if (_peers.Count >= _capacity)
        {
            _peers.Remove(_peers.MinBy(p => p.Value.WindowEnd).Key);
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowEnd { get; init; }

        public int Failures { get; set; }

        public int Logged { get; set; }
    }
}
