using System.Buffers;
using System.IO.Pipelines;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Decoding;

/// <summary>Options of a receiver's NMEA stream.</summary>
public sealed record NmeaDecoderOptions
{
    /// <summary>Longest accepted sentence in bytes (default 256; NMEA says 82, real receivers send more).</summary>
    public int MaxSentenceLength { get; init; } = NmeaFramer.DefaultMaxSentenceLength;

    /// <summary>Reject sentences without <c>*hh</c> (default false: accepted and counted, as gpsd does).</summary>
    public bool RequireChecksum { get; init; }
}

/// <summary>
/// One receiver's byte stream to epochs: framer, sentence parser, epoch assembler, with the
/// counters of each step. Synchronous core (<see cref="Decode"/>) plus a pipe loop
/// (<see cref="RunAsync"/>); no allocation per sentence or epoch.
/// </summary>
public sealed class NmeaDecoder
{
    private readonly bool _requireChecksum;

    /// <summary>Creates a decoder for one receiver.</summary>
    public NmeaDecoder(string receiver, IEpochSink sink, NmeaDecoderOptions? options = null)
    {
        options ??= new NmeaDecoderOptions();
        Framer = new NmeaFramer(options.MaxSentenceLength);
        Assembler = new EpochAssembler(receiver, sink);
        _requireChecksum = options.RequireChecksum;
    }

    /// <summary>The framer, with its drop counters.</summary>
    public NmeaFramer Framer { get; }

    /// <summary>The epoch assembler.</summary>
    public EpochAssembler Assembler { get; }

    /// <summary>Sentence counters.</summary>
    public NmeaStatistics Statistics { get; } = new();

    /// <summary>
    /// Called by <see cref="RunAsync"/> with each block of newly read bytes, before they are decoded
    /// (the raw recorder's tee). Runs on the reading thread; keep it short.
    /// </summary>
    public Action<ReadOnlySequence<byte>>? BytesRead { get; set; }

    /// <summary>
    /// Decodes every complete sentence at the front of <paramref name="buffer"/> and advances it;
    /// what is left is an incomplete sentence to be continued by the next bytes.
    /// </summary>
    /// <param name="buffer">Unread bytes.</param>
    /// <param name="isFinalBlock">No more bytes will come: a last unterminated sentence is decoded and the open epoch handed out.</param>
    public void Decode(ref ReadOnlySequence<byte> buffer, bool isFinalBlock)
    {
        while (!buffer.IsEmpty)
        {
            // Sentences inside the first segment straight from its span; only a sentence that
            // straddles two segments goes through the sequence (and the framer's copy).
            ReadOnlySpan<byte> block = buffer.FirstSpan;
            bool onlySegment = buffer.IsSingleSegment;
            int offset = 0;
            int consumed;
            while (Framer.TryReadSentenceInBlock(block[offset..], isFinalBlock && onlySegment, out consumed, out ReadOnlySpan<byte> line))
            {
                offset += consumed;
                DecodeSentence(line);
            }

            buffer = buffer.Slice(offset + consumed);
            if (onlySegment || !Framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> straddling, isFinalBlock))
            {
                break;
            }

            DecodeSentence(straddling);
        }

        if (isFinalBlock)
        {
            Assembler.Flush();
        }
    }

    /// <summary>Decodes one framed line (from its start character, without line end).</summary>
    public void DecodeSentence(ReadOnlySpan<byte> line)
    {
        if (!NmeaSentence.TryParse(line, out NmeaSentence sentence, out NmeaError error, _requireChecksum))
        {
            Statistics.CountError(error);
            return;
        }

        Statistics.CountSentence(sentence);
        if (!Assembler.Add(sentence))
        {
            Statistics.CountError(NmeaError.BadField);
        }
    }

    /// <summary>Reads a pipe to its end (or cancellation), decoding as bytes arrive.</summary>
    public async Task RunAsync(PipeReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long carried = 0;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;

            // The first `carried` bytes are an incomplete sentence already counted and tapped.
            ReadOnlySequence<byte> fresh = buffer.Slice(carried);
            Statistics.CountBytes(fresh.Length);
            if (!fresh.IsEmpty)
            {
                BytesRead?.Invoke(fresh);
            }

            Decode(ref buffer, result.IsCompleted);
            carried = buffer.Length;

            // Consumed up to what was decoded; examined everything, so the next read waits for new bytes.
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }
}
