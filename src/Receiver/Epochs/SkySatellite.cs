using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// One satellite on one signal as seen in an epoch. Elevation and azimuth in degrees, C/N0 in
/// dB-Hz; null where the receiver left the field empty. <see cref="Signal"/> is the raw GSV signal id
/// (0–15), or null for pre-4.10 receivers.
/// </summary>
public readonly record struct SkySatellite(SatelliteId Id, byte? Signal, short? Elevation, short? Azimuth, short? Cn0, bool Used);
