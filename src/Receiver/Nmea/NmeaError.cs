namespace BeidouHub.Receiver.Nmea;

/// <summary>Why a candidate line is not a usable sentence. Bad input is data, not an exception.</summary>
public enum NmeaError : byte
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>The line does not start with <c>$</c> or <c>!</c>.</summary>
    NoStart,
    /// <summary>The address field is not 5 upper-case letters/digits (or <c>P</c> + maker + type).</summary>
    BadAddress,
    /// <summary>The line holds a byte outside printable ASCII (binary, NUL, non-ASCII).</summary>
    InvalidCharacter,
    /// <summary>The two hex digits after <c>*</c> do not match the XOR of the sentence.</summary>
    ChecksumMismatch,
    /// <summary>Something follows <c>*</c> that is not two hex digits.</summary>
    BadChecksumFormat,
    /// <summary>The sentence has no checksum and the options require one.</summary>
    MissingChecksum,
    /// <summary>More fields than any sentence has (<see cref="NmeaSentence.MaxFields"/>).</summary>
    TooManyFields,
    /// <summary>The line is longer than the configured maximum.</summary>
    TooLong,
    /// <summary>A typed reader found a field out of its range or unreadable.</summary>
    BadField,
    /// <summary>A typed reader was asked to read a sentence of another type.</summary>
    WrongType,
}
