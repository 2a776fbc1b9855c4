namespace BeidouHub.Receiver;

/// <summary>Marker for the Receiver assembly until its first types land.</summary>
internal static class ReceiverAssembly
{
}
