#!/usr/bin/env python3
"""Where an epoch's time goes between the receiver's bytes and 50 subscribers (issue 19).

Inputs, both written by bench/fanout-timeline.sh:
  SAMPLES  `bench load --samples FILE`: one line per message held: the feeder's stamp (the write
           of the last byte the message stands for), the moment a subscriber held it, and the
           server's own stamp (BeidouHub's Position.published_at; 0 for gpsd), all in µs of the
           wall clock
  PACKETS  `tcpdump -tt -n` of the server's port: the TCP segments carrying data out of the server
           (the same wall clock)
For each epoch (one feeder stamp) it takes the server's stamp, the first, median and last segment
the server sent after the stamp and the first, median and last subscriber to hold the message,
all measured from the feeder's stamp, and prints their p50 and p90 over the epochs. The
segments stand for the server's writes to the subscribers' sockets (one per subscriber and
message on this path); from the median segment to the median held is loopback plus the client
stack (gRPC over HTTP/2 for BeidouHub, a line of JSON for gpsd).
"""
import bisect
import collections
import sys


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(samples_path, packets_path):
    held_by_epoch = collections.defaultdict(list)
    published_of = {}
    with open(samples_path) as f:
        for line in f:
            stamp, held, published = map(int, line.split())
            held_by_epoch[stamp].append(held)
            if published:
                published_of[stamp] = published
    sends = []
    with open(packets_path) as f:
        for line in f:
            if "length" in line and not line.rstrip().endswith("length 0"):
                sends.append(int(round(float(line.split()[0]) * 1e6)))
    sends.sort()
    if not held_by_epoch or not sends:
        sys.exit("no samples or no packets: did the run measure, and did tcpdump capture the server's port?")

    rows = collections.defaultdict(list)
    for stamp, held in sorted(held_by_epoch.items()):
        n = len(held)
        i = bisect.bisect_left(sends, stamp)
        # This epoch's segments: as many as subscribers, sent within 20 ms of the stamp.
        burst = [t for t in sends[i:i + n] if t - stamp < 20_000]
        if stamp < sends[0] or len(burst) < n:
            continue
        held.sort()
        mid = (n - 1) // 2
        points = [("first segment sent", burst[0]), ("median segment sent", burst[mid]), ("last segment sent", burst[-1]),
                  ("first held", held[0]), ("median held", held[mid]), ("last held", held[-1])]
        if stamp in published_of:
            points.insert(0, ("server's stamp", published_of[stamp]))
        for name, t in points:
            rows[name].append((t - stamp) / 1000)
    if not rows:
        sys.exit("no epoch had a segment per subscriber within 20 ms of its stamp")
    print(f"epochs {len(rows['first held'])} of {len(held_by_epoch)} ({n} subscribers); ms after the feeder's write, over the epochs:")
    for name, values in rows.items():
        print(f"  {name:20s} p50 {quantile(values, 0.5):6.3f}  p90 {quantile(values, 0.9):6.3f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
