using System.Runtime.CompilerServices;

namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// Plausibility limits shared by the readers: a value outside them is a corrupted sentence,
/// not a fix. They are wide on purpose (aircraft, Tibetan plateau, receivers that print 99.99
/// for an unknown DOP).
/// </summary>
internal static class Ranges
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Dop(double? v) => v is null or (>= 0 and <= 100);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Altitude(double? v) => v is null or (>= -1000 and <= 100000);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GeoidSeparation(double? v) => v is null or (>= -200 and <= 200);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Speed(double? v) => v is null or (>= 0 and <= 10000);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Angle360(double? v) => v is null or (>= 0 and <= 360);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Sigma(double? v) => v is null or (>= 0 and < 1e6);
}
