namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// CRC-24Q, the checksum of an RTCM 3 frame (RTCM 10403.3 section 4, "Qualcomm CRC"): polynomial
/// 0x1864CFB, initial value 0, no reflection, no final XOR, over the preamble, header and payload.
/// The same parameters as CRC-24/LTE-A in the CRC RevEng catalogue, whose check value for the
/// ASCII bytes "123456789" is 0xCDE703 (tested).
/// </summary>
public static class Crc24Q
{
    private const uint Polynomial = 0x864CFB; // 0x1864CFB without the x^24 term

    private static readonly uint[] Table = BuildTable();

    /// <summary>The 24-bit CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data)
        {
            crc = ((crc << 8) ^ Table[(int)(((crc >> 16) ^ b) & 0xFF)]) & 0xFFFFFF;
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint crc = i << 16;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x800000) != 0 ? (crc << 1) ^ Polynomial : crc << 1;
            }

            table[i] = crc & 0xFFFFFF;
        }

        return table;
    }
}
