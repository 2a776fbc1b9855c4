namespace BeidouHub.Receiver.Corrections;

/// <summary>A caster's refusal or a protocol error, with the state it leads to.</summary>
public sealed class NtripException : IOException
{
    /// <summary>Creates the exception.</summary>
    public NtripException(CasterState state, string message)
        : base(message)
    {
        State = state;
    }

    /// <summary>Creates the exception (for the analyzers' standard constructors).</summary>
    public NtripException()
        : this(CasterState.Disconnected, "NTRIP error")
    {
    }

    /// <summary>Creates the exception.</summary>
    public NtripException(string message)
        : this(CasterState.Disconnected, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NtripException(string message, Exception innerException)
        : base(message, innerException)
    {
        State = CasterState.Disconnected;
    }

    /// <summary><see cref="CasterState.Unauthorized"/>, <see cref="CasterState.MountpointMissing"/>, or <see cref="CasterState.Disconnected"/> for the rest.</summary>
    public CasterState State { get; }

    /// <summary>The caster's source table when it answered with one instead of the stream.</summary>
    public NtripSourceTable? SourceTable { get; init; }
}
