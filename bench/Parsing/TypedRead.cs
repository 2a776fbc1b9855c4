using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;

namespace BeidouHub.Bench.Parsing;

/// <summary>
/// The typed read the epoch assembler does, without the assembler: dispatch on the sentence type
/// to its reader. Returns a value taken from the result so the JIT cannot drop the read.
/// </summary>
internal static class TypedRead
{
    public static int Read(in NmeaSentence s)
    {
        switch (s.Type)
        {
            case SentenceType.Gga:
                return Gga.TryRead(s, out Gga gga) ? gga.SatellitesUsed.GetValueOrDefault() + 1 : 0;
            case SentenceType.Rmc:
                return Rmc.TryRead(s, out Rmc rmc) ? (rmc.TimeOfDayMs.GetValueOrDefault() & 0xFF) + 1 : 0;
            case SentenceType.Gsa:
                return Gsa.TryRead(s, out Gsa gsa) ? gsa.Count + 1 : 0;
            case SentenceType.Gsv:
                return Gsv.TryRead(s, out Gsv gsv) ? gsv.Count + 1 : 0;
            case SentenceType.Gst:
                return Gst.TryRead(s, out Gst gst) ? (gst.TimeOfDayMs.GetValueOrDefault() & 0xFF) + 1 : 0;
            case SentenceType.Zda:
                return Zda.TryRead(s, out Zda zda) ? (zda.TimeOfDayMs.GetValueOrDefault() & 0xFF) + 1 : 0;
            case SentenceType.Vtg:
                return Vtg.TryRead(s, out Vtg vtg) && vtg.SpeedMps.HasValue ? 2 : 1;
            default:
                return 0;
        }
    }
}
