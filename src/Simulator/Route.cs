using BeidouHub.Geo;

namespace BeidouHub.Simulator;

/// <summary>
/// Motion along a closed loop of waypoints at a cruising speed, with acceleration and braking
/// (trapezoid speed profile) between stops and a dwell at each stopping waypoint. A route with
/// one waypoint, or speed 0, is a static receiver. Distances are on a local plane around the
/// first waypoint (routes are a few km).
/// </summary>
internal sealed class Route
{
    private const double Acceleration = 1.2; // m/s^2: a loaded truck or forklift, gently

    private readonly double _lat0, _lon0, _mPerDegN, _mPerDegE;
    private readonly (double N, double E)[] _points;
    private readonly double[] _cumulative; // distance from point 0 to point i along the loop
    private readonly double _length;
    private readonly List<(double StartTime, double StartDistance, double Distance, double Dwell)> _runs = [];
    private readonly double _period;
    private readonly double _speed;
    private readonly double _offsetSeconds;

    public Route(IReadOnlyList<Waypoint> waypoints, double speedMps, double startOffsetMetres)
    {
        ArgumentOutOfRangeException.ThrowIfZero(waypoints.Count);
        _lat0 = waypoints[0].Latitude;
        _lon0 = waypoints[0].Longitude;
        (_mPerDegN, _mPerDegE) = Ellipsoid.Wgs84.MetresPerDegree(_lat0);
        _points = new (double, double)[waypoints.Count];
        _cumulative = new double[waypoints.Count + 1];
        for (int i = 0; i < waypoints.Count; i++)
        {
            _points[i] = ((waypoints[i].Latitude - _lat0) * _mPerDegN, (waypoints[i].Longitude - _lon0) * _mPerDegE);
            if (i > 0)
            {
                _cumulative[i] = _cumulative[i - 1] + Distance(_points[i - 1], _points[i]);
            }
        }

        _length = _cumulative[^2] + Distance(_points[^1], _points[0]);
        _cumulative[^1] = _length;
        _speed = speedMps;
        if (_length <= 0 || speedMps <= 0)
        {
            return;
        }

        // Runs between stops: a stop at every waypoint with a dwell; the loop is cut at the first such point (or point 0).
        var stops = new List<int>();
        for (int i = 0; i < waypoints.Count; i++)
        {
            if (waypoints[i].DwellSeconds > 0)
            {
                stops.Add(i);
            }
        }

        if (stops.Count == 0)
        {
            stops.Add(0);
        }

        double t = 0;
        for (int k = 0; k < stops.Count; k++)
        {
            int from = stops[k], to = stops[(k + 1) % stops.Count];
            double d = _cumulative[to] - _cumulative[from];
            if (d <= 0)
            {
                d += _length;
            }

            double dwell = waypoints[to].DwellSeconds;
            _runs.Add((t, _cumulative[from], d, dwell));
            t += RunTime(d, speedMps) + dwell;
        }

        _period = t;

        // Start part-way along the loop: find the time at which the receiver has covered the offset.
        double offset = ((startOffsetMetres % _length) + _length) % _length;
        _offsetSeconds = TimeAtDistance(offset);
    }

    /// <summary>Length of the loop in metres.</summary>
    public double Length => _length;

    /// <summary>Position, speed (m/s) and course (degrees true; null when standing) at <paramref name="seconds"/> from the start.</summary>
    public (double Lat, double Lon, double Speed, double? Course) At(double seconds)
    {
        if (_runs.Count == 0)
        {
            return (_lat0, _lon0, 0, null);
        }

        double t = (((seconds + _offsetSeconds) % _period) + _period) % _period;
        foreach ((double start, double startDistance, double d, double dwell) in _runs)
        {
            double runTime = RunTime(d, _speed);
            if (t < start + runTime + dwell)
            {
                double tau = Math.Min(t - start, runTime);
                (double s, double v) = Along(tau, d, _speed);
                (double n, double e, double course) = Point(startDistance + s);
                return (_lat0 + (n / _mPerDegN), _lon0 + (e / _mPerDegE), v, v > 0.05 ? course : null);
            }
        }

        (double n0, double e0, _) = Point(0);
        return (_lat0 + (n0 / _mPerDegN), _lon0 + (e0 / _mPerDegE), 0, null);
    }

    private double TimeAtDistance(double distance)
    {
        foreach ((double start, double startDistance, double d, _) in _runs)
        {
            double into = ((distance - startDistance) % _length + _length) % _length;
            if (into <= d)
            {
                // Invert the trapezoid by bisection (monotonic in time).
                double lo = 0, hi = RunTime(d, _speed);
                for (int i = 0; i < 60; i++)
                {
                    double mid = (lo + hi) / 2;
                    if (Along(mid, d, _speed).S < into)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                return start + lo;
            }
        }

        return 0;
    }

    private (double N, double E, double Course) Point(double distance)
    {
        double s = ((distance % _length) + _length) % _length;
        for (int i = 0; i < _points.Length; i++)
        {
            double segEnd = _cumulative[i + 1];
            if (s <= segEnd || i == _points.Length - 1)
            {
                (double n1, double e1) = _points[i];
                (double n2, double e2) = _points[(i + 1) % _points.Length];
                double len = segEnd - _cumulative[i];
                double f = len > 0 ? (s - _cumulative[i]) / len : 0;
                double course = Math.Atan2(e2 - e1, n2 - n1) * 180 / Math.PI;
                return (n1 + (f * (n2 - n1)), e1 + (f * (e2 - e1)), course < 0 ? course + 360 : course);
            }
        }

        return (0, 0, 0);
    }

    private static double RunTime(double d, double v)
    {
        double ramp = v * v / Acceleration; // distance to speed up and slow down
        return d >= ramp ? (d / v) + (v / Acceleration) : 2 * Math.Sqrt(d / Acceleration);
    }

    // Distance covered and speed at time tau into a run of length d (trapezoid or triangle profile).
    private static (double S, double V) Along(double tau, double d, double v)
    {
        double a = Acceleration;
        double total = RunTime(d, v);
        double vPeak = Math.Min(v, Math.Sqrt(a * d));
        double tRamp = vPeak / a;
        if (tau <= tRamp)
        {
            return (0.5 * a * tau * tau, a * tau);
        }

        if (tau >= total - tRamp)
        {
            double left = Math.Max(0, total - tau);
            return (d - (0.5 * a * left * left), a * left);
        }

        return ((0.5 * a * tRamp * tRamp) + (vPeak * (tau - tRamp)), vPeak);
    }

    private static double Distance((double N, double E) a, (double N, double E) b) =>
        Math.Sqrt(((a.N - b.N) * (a.N - b.N)) + ((a.E - b.E) * (a.E - b.E)));
}
