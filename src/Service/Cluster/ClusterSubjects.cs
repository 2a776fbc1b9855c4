using System.Buffers;
using System.Text;
using Google.Protobuf;
using NATS.Client.Core;

namespace BeidouHub.Service.Cluster;

/// <summary>
/// The cluster's names on NATS: <c>{prefix}.v1.pos.{receiver}</c> (complete positions),
/// <c>.early.{receiver}</c>, <c>.sky.{receiver}</c>, <c>.zone.{zone}</c>, <c>.rx.{receiver}</c>;
/// buckets <c>{prefix}-latest</c> and <c>{prefix}-leases</c>, keyed by receiver. An id becomes one
/// subject token and a valid key: letters, digits, '-' and '_' stay, every other UTF-8 byte is
/// <c>=XX</c> (so <c>truck.7</c> is <c>truck=2E7</c>, and no id can reach into another's subject).
/// </summary>
internal sealed class ClusterSubjects
{
    public ClusterSubjects(string prefix)
    {
        Prefix = prefix;
        Positions = prefix + ".v1.pos.";
        Early = prefix + ".v1.early.";
        Sky = prefix + ".v1.sky.";
        Zones = prefix + ".v1.zone.";
        Receivers = prefix + ".v1.rx.";
        LatestBucket = prefix + "-latest";
        LeaseBucket = prefix + "-leases";
        History = prefix + ".v1.history.";
        HistoryStream = prefix + "-history";
    }

    public string Prefix { get; }

    public string Positions { get; }

    public string Early { get; }

    public string Sky { get; }

    public string Zones { get; }

    public string Receivers { get; }

    public string LatestBucket { get; }

    public string LeaseBucket { get; }

    /// <summary>History batches, <c>{prefix}.v1.history.{node}</c> (only with Cluster:HistoryStream).</summary>
    public string History { get; }

    /// <summary>The JetStream stream of the history batches.</summary>
    public string HistoryStream { get; }

    /// <summary>An id as one subject token and key-value key.</summary>
    public static string Token(string id)
    {
        bool plain = id.Length > 0;
        foreach (char c in id)
        {
            plain &= char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
        }

        if (plain)
        {
            return id;
        }

        var token = new StringBuilder(id.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(id))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                token.Append(c);
            }
            else
            {
                token.Append('=').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return token.Length == 0 ? "=" : token.ToString();
    }
}

/// <summary>A protobuf message as a NATS payload: written straight into the connection's buffer, parsed from the received bytes.</summary>
internal sealed class ProtoSerializer<T> : INatsSerialize<T>, INatsDeserialize<T>
    where T : class, IMessage<T>, new()
{
    public static readonly ProtoSerializer<T> Instance = new();

    private static readonly MessageParser<T> Parser = new(() => new T());

    public void Serialize(IBufferWriter<byte> bufferWriter, T value) => value.WriteTo(bufferWriter);

    public T? Deserialize(in ReadOnlySequence<byte> buffer) => buffer.IsEmpty ? null : Parser.ParseFrom(buffer);
}
