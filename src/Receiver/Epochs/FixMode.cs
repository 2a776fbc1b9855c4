namespace BeidouHub.Receiver.Epochs;

/// <summary>The dimension of a fix, as gpsd's TPV <c>mode</c>: from GSA's fix type, else from what the epoch holds.</summary>
public enum FixMode : byte
{
    /// <summary>Nothing said.</summary>
    Unknown = 0,
    /// <summary>No fix.</summary>
    NoFix = 1,
    /// <summary>Horizontal fix only.</summary>
    TwoD = 2,
    /// <summary>Horizontal and vertical fix.</summary>
    ThreeD = 3,
}

/// <summary>RTK state: GGA quality 4 (fixed) / 5 (float), or the RMC/GNS mode letters R / F.</summary>
public enum RtkState : byte
{
    /// <summary>Not an RTK solution.</summary>
    None = 0,
    /// <summary>RTK with float ambiguities.</summary>
#pragma warning disable CA1720 // "float" is the RTK term of art, not the C# type.
    Float = 1,
#pragma warning restore CA1720
    /// <summary>RTK with fixed integer ambiguities.</summary>
    Fixed = 2,
}
