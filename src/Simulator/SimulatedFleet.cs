namespace BeidouHub.Simulator;

/// <summary>Settings of many simulated receivers at once (load tests, the <c>sim://</c> source).</summary>
public sealed record SimulationOptions
{
    /// <summary>How many receivers (1-10,000).</summary>
    public int Count { get; init; } = 1;

    /// <summary>Epochs per second of every receiver, 1-20.</summary>
    public double RateHz { get; init; } = 1;

    /// <summary>Base seed; receiver i gets its own seed derived from it (SplitMix64).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>UTC time of the first epoch.</summary>
    public DateTime Start { get; init; } = SimulationProfiles.DefaultStart;

    /// <summary>Sentence style of every receiver.</summary>
    public NmeaStyle Style { get; init; } = NmeaStyle.Gb411;

    /// <summary>The loop the vehicles drive.</summary>
    public IReadOnlyList<Waypoint> Route { get; init; } = SimulationProfiles.ParkLoop;

    /// <summary>Receiver names are this prefix and a 4-digit number from 0001.</summary>
    public string NamePrefix { get; init; } = "sim-";
}

/// <summary>
/// Makes N receivers from one <see cref="SimulationOptions"/>: a park's mix of trucks (8-12 m/s,
/// RTK), forklifts (3-4 m/s, RTK) and static gate receivers (every 10th), each with its own
/// seed and its own start along the loop so that no two send the same bytes.
/// </summary>
public static class SimulatedFleet
{
    /// <summary>The options of receiver <paramref name="index"/> (0-based) of the fleet.</summary>
    public static SimulatedReceiverOptions ReceiverOptions(SimulationOptions fleet, int index)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, fleet.Count);
        ulong seed = SplitMix64.Derive(fleet.Seed, (ulong)index + 100);
        var rng = new SplitMix64(seed);
        double loop = new Route(fleet.Route, 1, 0).Length;
        bool gate = index % 10 == 9;
        bool forklift = !gate && index % 3 == 1;
        var options = new SimulatedReceiverOptions
        {
            Name = fleet.NamePrefix + (index + 1).ToString("0000", System.Globalization.CultureInfo.InvariantCulture),
            Profile = gate ? SimulationProfile.Gate : SimulationProfile.VehicleRtk,
            Start = fleet.Start,
            RateHz = fleet.RateHz,
            Seed = seed,
            Style = fleet.Style,
            Route = gate ? [fleet.Route[index / 10 % fleet.Route.Count] with { DwellSeconds = 0 }] : fleet.Route,
            SpeedMps = gate ? 0 : forklift ? 3 + rng.NextDouble() : 8 + (4 * rng.NextDouble()),
            RouteOffsetMetres = loop * index / fleet.Count,
            Rtk = true,
        };
        return options;
    }

    /// <summary>All receivers of the fleet.</summary>
    public static IReadOnlyList<NmeaSimulator> Create(SimulationOptions fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentOutOfRangeException.ThrowIfLessThan(fleet.Count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fleet.Count, 10_000);
        var list = new NmeaSimulator[fleet.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new NmeaSimulator(ReceiverOptions(fleet, i));
        }

        return list;
    }
}
