using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// The field merge: what each typed sentence puts into its epoch, and what is derived from the
/// whole epoch once its sentences are in. Knows nothing of cycles or of when an epoch ends (that
/// is <see cref="EpochAssembler"/>'s and <see cref="CycleLearner"/>'s). Where two sentences
/// carry the same field, the rules below say which wins: GGA's position and quality over RMC's,
/// GNS's and GLL's only where GGA gave none, GSA's DOPs over GGA's HDOP.
/// </summary>
internal static class EpochMerge
{
    public static void Apply(Epoch e, in Gga gga)
    {
        e.Quality = gga.Quality ?? e.Quality;
        if (gga.Quality is > GgaQuality.NoFix && gga.Latitude.HasValue)
        {
            e.Latitude = gga.Latitude;
            e.Longitude = gga.Longitude;
            e.AltitudeMsl = gga.AltitudeMsl ?? e.AltitudeMsl;
            e.GeoidSeparation = gga.GeoidSeparation ?? e.GeoidSeparation;
        }

        e.SatellitesUsedReported = gga.SatellitesUsed ?? e.SatellitesUsedReported;
        e.Hdop ??= gga.Hdop;
        e.DiffAge = gga.DifferentialAge ?? e.DiffAge;
        e.DiffStation = gga.DifferentialStation ?? e.DiffStation;
    }

    public static void Apply(Epoch e, in Rmc rmc)
    {
        e.RmcStatus = rmc.Status;
        e.ModeIndicator = rmc.Mode ?? e.ModeIndicator;
        e.NavStatus = rmc.NavStatus ?? e.NavStatus;
        if (rmc.IsValid && rmc.Latitude.HasValue)
        {
            // GGA's position wins when both came: it carries the quality (Trimble RMC says D while GGA says RTK fixed).
            if (!e.HasPosition)
            {
                e.Latitude = rmc.Latitude;
                e.Longitude = rmc.Longitude;
            }

            e.SpeedMps = rmc.SpeedMps ?? e.SpeedMps;
            e.CourseDeg = rmc.CourseDeg ?? e.CourseDeg;
        }
    }

    public static void Apply(Epoch e, in Gns gns)
    {
        if (gns.HasFix && gns.Latitude.HasValue && !(e.Quality is > GgaQuality.NoFix))
        {
            e.Latitude = gns.Latitude;
            e.Longitude = gns.Longitude;
            e.AltitudeMsl = gns.AltitudeMsl ?? e.AltitudeMsl;
            e.GeoidSeparation = gns.GeoidSeparation ?? e.GeoidSeparation;
        }

        if (e.Quality is null)
        {
            e.Quality = QualityFromModes(gns);
        }

        e.SatellitesUsedReported ??= gns.SatellitesUsed;
        e.Hdop ??= gns.Hdop;
        e.DiffAge ??= gns.DifferentialAge;
        e.DiffStation ??= gns.DifferentialStation;
        e.NavStatus = gns.NavStatus ?? e.NavStatus;
    }

    public static void Apply(Epoch e, in Gll gll)
    {
        if (gll.Status == (byte)'A' && gll.Latitude.HasValue && !e.HasPosition)
        {
            e.Latitude = gll.Latitude;
            e.Longitude = gll.Longitude;
            e.ModeIndicator ??= gll.Mode;
        }
    }

    public static void Apply(Epoch e, in Gsa gsa)
    {
        e.HasUsedList = true;
        if (gsa.FixType is { } ft && (FixMode)ft > e.ReportedMode)
        {
            // One GSA per constellation (NMEA 4.10+): the best of them is the receiver's fix type.
            e.ReportedMode = (FixMode)ft;
        }

        e.Pdop = gsa.Pdop ?? e.Pdop;
        e.Hdop = gsa.Hdop ?? e.Hdop;
        e.Vdop = gsa.Vdop ?? e.Vdop;
        for (int i = 0; i < gsa.Count; i++)
        {
            SatelliteId id = gsa.Satellite(i);
            if (id.IsKnown)
            {
                e.AddUsed(id);
            }
        }
    }

    public static void Apply(Epoch e, in Gsv gsv)
    {
        e.HasSky = true;
        for (int i = 0; i < gsv.Count; i++)
        {
            GsvSatellite s = gsv[i];
            if (s.Id.IsKnown)
            {
                e.AddSatellite(s.Id, gsv.SignalId, s.Elevation, s.Azimuth, s.Cn0);
            }
        }
    }

    public static void Apply(Epoch e, in Vtg vtg)
    {
        e.SpeedMps ??= vtg.SpeedMps;
        e.CourseDeg ??= vtg.CourseTrueDeg;
    }

    public static void Apply(Epoch e, in Gst gst)
    {
        e.SigmaLatitude = gst.SigmaLatitude;
        e.SigmaLongitude = gst.SigmaLongitude;
        e.SigmaAltitude = gst.SigmaAltitude;
    }

    /// <summary>
    /// Derives what is computed from the whole epoch: mode, RTK state, used flags. Idempotent: run
    /// before the position is handed out and again before the complete epoch is.
    /// </summary>
    public static void Derive(Epoch e)
    {
        if (!e.HasPosition)
        {
            e.Mode = e.ReportedMode == FixMode.Unknown && e.SentenceCount == 0 ? FixMode.Unknown : FixMode.NoFix;
        }
        else if (e.ReportedMode is FixMode.TwoD or FixMode.ThreeD)
        {
            // The receiver's word, even against an altitude in its GGA: a 2D fix's altitude is held, not measured.
            e.Mode = e.ReportedMode;
        }
        else
        {
            // No GSA yet (position-in comes before the cycle's GSAs) or one that lags the position
            // sentences: 3D when an altitude came, as gpsd does.
            e.Mode = e.AltitudeMsl.HasValue ? FixMode.ThreeD : FixMode.TwoD;
        }

        e.Rtk = e.Quality switch
        {
            GgaQuality.RtkFixed => RtkState.Fixed,
            GgaQuality.RtkFloat => RtkState.Float,
            null => e.ModeIndicator switch
            {
                (byte)'R' => RtkState.Fixed,
                (byte)'F' => RtkState.Float,
                _ => RtkState.None,
            },
            _ => RtkState.None,
        };

        e.ResolveUsedFlags();
    }

    // GNS mode letters, best first: R RTK fixed, F float, D/P differential/precise, A autonomous, E estimated.
    private static GgaQuality QualityFromModes(in Gns gns)
    {
        GgaQuality best = GgaQuality.NoFix;
        for (int i = 0; i < gns.ModeLength; i++)
        {
            GgaQuality q = gns.Mode(i) switch
            {
                (byte)'R' => GgaQuality.RtkFixed,
                (byte)'F' => GgaQuality.RtkFloat,
                (byte)'D' or (byte)'P' => GgaQuality.Differential,
                (byte)'A' => GgaQuality.Autonomous,
                (byte)'E' => GgaQuality.Estimated,
                _ => GgaQuality.NoFix,
            };
            if (Rank(q) > Rank(best))
            {
                best = q;
            }
        }

        return best;

        static int Rank(GgaQuality q) => q switch
        {
            GgaQuality.RtkFixed => 5,
            GgaQuality.RtkFloat => 4,
            GgaQuality.Differential => 3,
            GgaQuality.Autonomous => 2,
            GgaQuality.Estimated => 1,
            _ => 0,
        };
    }
}
