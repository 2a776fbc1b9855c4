using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Epochs;

public class EpochAssemblerTests
{
    [Fact]
    public void Add_ThirdCycleLastSentence_CompletesEpochWithoutWaitingForNextCycle()
    {
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r1", sink);
        NmeaText.Feed(decoder, CycleBuilder.Cycles(2));
        List<string> third = CycleBuilder.Cycle(2).ToList();
        NmeaText.Feed(decoder, third.Take(third.Count - 1));
        Assert.Equal(2, sink.Epochs.Count);

        NmeaText.Feed(decoder, third.TakeLast(1));

        Assert.Equal(3, sink.Epochs.Count);
        Assert.Equal(CycleBuilder.Start.AddSeconds(2), sink.Epochs[2].UtcTime);
        Assert.Equal(0, decoder.Assembler.LateSentences);
    }

    [Fact]
    public void Add_LearnedCycle_SignalsPositionBeforeSkyArrives()
    {
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r1", sink);
        NmeaText.Feed(decoder, CycleBuilder.Cycles(2));
        List<string> third = CycleBuilder.Cycle(2).ToList();

        NmeaText.Feed(decoder, third.Take(2)); // GGA, RMC: the position sentences

        Assert.Equal(3, sink.Positions.Count);
        Assert.Equal(2, sink.Epochs.Count);
        Epoch early = sink.Positions[2];
        Assert.Equal(CycleBuilder.LatitudeDegrees(2), early.Latitude!.Value, 12);
        Assert.Equal(0, early.SatelliteCount);
        Assert.Null(early.SigmaLatitude);
        Assert.Equal(["position 1", "epoch 1", "position 2", "epoch 2", "position 3"], sink.Calls);
    }

    [Fact]
    public void Add_FullCycle_FillsEveryField()
    {
        List<Epoch> epochs = NmeaText.DecodeAll(CycleBuilder.Cycles(3));

        Assert.Equal(3, epochs.Count);
        Epoch e = epochs[1];
        Assert.Equal(CycleBuilder.Start.AddSeconds(1), e.UtcTime);
        Assert.Equal(CycleBuilder.LatitudeDegrees(1), e.Latitude!.Value, 12);
        Assert.Equal(113 + (8.04 / 60), e.Longitude!.Value, 12);
        Assert.Equal(58.3, e.AltitudeMsl);
        Assert.Equal(-21.4, e.GeoidSeparation);
        Assert.Equal(GgaQuality.RtkFixed, e.Quality);
        Assert.Equal(RtkState.Fixed, e.Rtk);
        Assert.Equal(FixMode.ThreeD, e.Mode);
        Assert.Equal(3.1 * 1852 / 3600, e.SpeedMps!.Value, 12);
        Assert.Equal(87.5, e.CourseDeg);
        Assert.Equal(0.62, e.Hdop);
        Assert.Equal(0.91, e.Vdop);
        Assert.Equal(1.10, e.Pdop);
        Assert.Equal(0.011, e.SigmaLatitude);
        Assert.Equal(0.010, e.SigmaLongitude);
        Assert.Equal(0.020, e.SigmaAltitude);
        Assert.Equal(1.0, e.DiffAge);
        Assert.Equal(42, e.DiffStation);
        Assert.Equal(5, e.UsedIn(Constellation.Gps));
        Assert.Equal(8, e.UsedIn(Constellation.Beidou));
    }

    [Fact]
    public void Add_BeidouSetsPerSignal_KeepsSignalsApartWithoutDoubleCountingUsed()
    {
        Epoch e = NmeaText.DecodeAll(CycleBuilder.Cycles(1))[0];

        // 6 GPS + 9 BeiDou on B1I (1) + 8 BeiDou on B2a (5).
        Assert.Equal(23, e.SatelliteCount);
        SkySatellite[] c19 = e.Satellites.ToArray().Where(s => s.Id == new SatelliteId(Constellation.Beidou, 19)).ToArray();
        Assert.Equal([(byte?)1, (byte?)5], c19.Select(s => s.Signal));
        Assert.Equal([(short?)45, (short?)43], c19.Select(s => s.Cn0));
        Assert.All(c19, s => Assert.True(s.Used));
        Assert.False(e.Satellites.ToArray().Single(s => s.Id.Svid == 60).Used);
        Assert.Equal(8, e.UsedIn(Constellation.Beidou));
    }

    [Fact]
    public void Add_SkySlowerThanFixes_EachTimeOnceAndSkyWhereSent()
    {
        var lines = new List<string>();
        for (int i = 0; i < 8; i++)
        {
            lines.AddRange(CycleBuilder.Cycle(i, withSky: i % 3 == 0, withGst: false));
        }

        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r1", sink);
        NmeaText.Feed(decoder, lines);
        decoder.Assembler.Flush();

        Assert.Equal(8, sink.Epochs.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (DateTime?)CycleBuilder.Start.AddSeconds(i)), sink.Epochs.Select(e => e.UtcTime));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i % 3 == 0), sink.Epochs.Select(e => e.HasSky));
        Assert.Equal(0, decoder.Assembler.LateSentences);
    }

    [Fact]
    public void Add_CaptureStartingMidCycle_NeverCompletesEarlyAtAFalseEnd()
    {
        List<string> first = CycleBuilder.Cycle(0).ToList();
        var lines = first.Skip(first.Count - 3).Concat(CycleBuilder.Cycles(4, startSecond: 1)).ToList();
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r1", sink);

        NmeaText.Feed(decoder, lines);

        Assert.Equal(0, decoder.Assembler.LateSentences);
        Assert.Equal(5, sink.Epochs.Count);
        Assert.All(sink.Epochs.Skip(1), e => Assert.True(e.HasSky && e.SigmaLatitude.HasValue && e.HasPosition));
    }

    [Fact]
    public void Add_GgaOnlyAfterRmc_CarriesDateAndRollsOverAtMidnight()
    {
        string[] lines =
        [
            NmeaText.Line("GPRMC,235958.00,A,2749.6800,N,11308.0400,E,0.0,,311226,,,A"),
            NmeaText.Line("GPGGA,235959.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,"),
            NmeaText.Line("GPGGA,000000.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,"),
            NmeaText.Line("GPGGA,000001.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,"),
        ];

        List<Epoch> epochs = NmeaText.DecodeAll(lines);

        Assert.Equal(
            [
                new DateTime(2026, 12, 31, 23, 59, 58, DateTimeKind.Utc),
                new DateTime(2026, 12, 31, 23, 59, 59, DateTimeKind.Utc),
                new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                new DateTime(2027, 1, 1, 0, 0, 1, DateTimeKind.Utc),
            ],
            epochs.Select(e => e.UtcTime!.Value));
    }

    [Fact]
    public void Add_NoDateEver_TimeOfDayWithoutDate()
    {
        Epoch e = Assert.Single(NmeaText.DecodeAll([NmeaText.Line("GPGGA,123456.78,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,")]));

        Assert.Null(e.Date);
        Assert.Null(e.UtcTime);
        Assert.Equal(((((12 * 60) + 34) * 60) + 56) * 1000 + 780, e.TimeOfDayMs);
    }

    [Fact]
    public void Add_TimeGoesBackwards_StartsNewEpoch()
    {
        string[] lines =
        [
            NmeaText.Line("GPGGA,120002.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,"),
            NmeaText.Line("GPGGA,120002.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,"),
            NmeaText.Line("GPGGA,120001.00,2749.6900,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,"),
        ];

        List<Epoch> epochs = NmeaText.DecodeAll(lines);

        Assert.Equal([43_202_000, 43_201_000], epochs.Select(e => e.TimeOfDayMs!.Value));
        Assert.Equal(2, epochs[0].SentenceCount);
    }

    [Fact]
    public void Add_GsaSays2dAfterGgaWithAltitude_EveryCompleteEpochIs2dOnceTheCycleIsLearned()
    {
        // The Telit PLS83-W's shape (gpsd's telit-pls83-w.log): GGA with an altitude, RMC, then GSA
        // fix type 2. Once the cycle is learned the position goes out at RMC, before the GSA, as 3D;
        // the complete epoch must still take the receiver's 2D, not keep what was derived early.
        var lines = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            string t = $"12000{i}.00";
            lines.Add(NmeaText.Line($"GPGGA,{t},2749.6800,N,11308.0400,E,1,05,1.3,250.8,M,-21.0,M,,"));
            lines.Add(NmeaText.Line($"GPRMC,{t},A,2749.6800,N,11308.0400,E,0.0,,041226,,,A"));
            lines.Add(NmeaText.Line("GNGSA,A,2,02,08,10,23,27,,,,,,,,1.6,1.3,0.9,1"));
        }

        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r1", sink);
        NmeaText.Feed(decoder, lines);
        decoder.Assembler.Flush();

        Assert.Equal(4, sink.Epochs.Count);
        Assert.All(sink.Epochs, e => Assert.Equal(FixMode.TwoD, e.Mode));
        Assert.Contains(sink.Positions, p => p.Mode == FixMode.ThreeD); // proves the early path ran before the GSA
    }

    [Fact]
    public void Add_GgaQualityZero_NoPositionAndNoFix()
    {
        Epoch e = Assert.Single(NmeaText.DecodeAll([NmeaText.Line("GPGGA,120002.00,2749.6800,N,11308.0400,E,0,00,,,M,,M,,")]));

        Assert.False(e.HasPosition);
        Assert.Equal(FixMode.NoFix, e.Mode);
        Assert.Equal(GgaQuality.NoFix, e.Quality);
    }

    [Fact]
    public void Add_RmcNavStatusV_IsStillAFix()
    {
        // NMEA 4.10 nav status V with a valid fix (Unicore UM621 line of examples.nmea, gpsd's unicore-um621.log).
        Epoch e = Assert.Single(NmeaText.DecodeAll(["$GNRMC,000653.00,A,4404.12994,N,12118.84613,W,0.052,,090624,,,A,V*08"]));

        Assert.True(e.HasPosition);
        Assert.Equal(44 + (4.12994 / 60), e.Latitude!.Value, 12);
        Assert.Equal(-(121 + (18.84613 / 60)), e.Longitude!.Value, 12);
        Assert.Equal((byte)'V', e.NavStatus);
        Assert.Equal(FixMode.TwoD, e.Mode);
    }

    [Fact]
    public void Add_TrimbleRmcSaysDifferentialGgaSaysRtkFixed_GgaWins()
    {
        // nmea-rtk.log in gpsd's suite (examples.nmea): the RMC mode letter lags the GGA quality.
        List<Epoch> epochs = NmeaText.DecodeAll(
        [
            "$GNGGA,133859.80,4134.50180205,N,09345.03586649,W,4,19,0.7,280.827,M,-31.442,M,5.8,0002*6D",
            "$GNRMC,133859.80,A,4134.50180205,N,09345.03586649,W,0.008,0.000,180320,11.5982,E,D*36",
        ]);

        Epoch e = Assert.Single(epochs);
        Assert.Equal(RtkState.Fixed, e.Rtk);
        Assert.Equal(5.8, e.DiffAge);
        Assert.Equal(2, e.DiffStation);
        Assert.Equal(new DateTime(2020, 3, 18, 13, 38, 59, 800, DateTimeKind.Utc), e.UtcTime);
    }

    [Fact]
    public void Add_TenHertzWithSkyAndZdaOncePerSecond_EveryEpochCompletesAtItsOwnLastSentence()
    {
        // The u-blox/Unicore 10 Hz pattern of seeds/park-vehicle-rtk-10hz.nmea: RMC VTG GGA GSA GSA
        // [GSV sets] GST [ZDA], the bracketed ones once a second. GST ends nine cycles in ten and is
        // followed by ZDA in the tenth: waiting for the next RMC would make every epoch 100 ms late.
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r10", sink);
        var start = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        int late = 0;
        for (int i = 0; i < 50; i++)
        {
            bool sky = i % 10 == 0;
            NmeaText.Feed(decoder, CycleBuilder.TenHertzCycle(start.AddMilliseconds(i * 100), gsv: sky, zda: sky));
            if (sink.Epochs.Count != i + 1)
            {
                late++;
            }
        }

        // Cycles are learned from the second full one on; after that none waits for the next.
        Assert.InRange(late, 1, 12);
        Assert.Equal(0, decoder.Assembler.LateSentences);
        Assert.All(sink.Epochs.Skip(20), e => Assert.NotNull(e.SigmaLatitude));
        Assert.Equal(Enumerable.Range(0, 50).Where(i => i % 10 == 0), sink.Epochs.Select((e, i) => (e, i)).Where(p => p.e.HasSky).Select(p => p.i));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (DateTime?)start.AddMilliseconds(i * 100)), sink.Epochs.Select(e => e.UtcTime).Concat(Enumerable.Repeat((DateTime?)null, 0)).Take(50));
    }

    [Fact]
    public void Add_TenHertzZdaOnceWithoutItsSky_OneLateZdaAndTheNextCyclesStillEndAtGst()
    {
        // ZDA is known to come only in the sky cycles, so the others end at GST. One second the
        // receiver leaves its GSV sets out but still sends ZDA: that ZDA comes after GST already
        // completed the epoch (late), and teaches a shape of its own (GST then ZDA, no sky). The
        // cycles after it must still end at their own GST: ZDA comes on the second, so that shape
        // is not due at .1-.9 s (before shapes, the next nine cycles waited for the next one), and
        // no cycle may wait for good (as all did when that ZDA made its company known-empty).
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r10", sink);
        var start = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        var waited = new List<int>();
        for (int i = 0; i < 60; i++)
        {
            bool second = i % 10 == 0;
            NmeaText.Feed(decoder, CycleBuilder.TenHertzCycle(start.AddMilliseconds(i * 100), gsv: second && i != 30, zda: second));
            if (sink.Epochs.Count != i + 1)
            {
                waited.Add(i);
            }
        }

        Assert.Equal(1, decoder.Assembler.LateSentences); // the ZDA of 02:00:03
        Assert.DoesNotContain(waited, i => i >= 30);
        Assert.Equal(Enumerable.Range(0, 60).Where(i => i % 10 == 0 && i != 30), sink.Epochs.Select((e, i) => (e, i)).Where(p => p.e.HasSky).Select(p => p.i));
    }

    [Fact]
    public void Add_SilenceCutsACycle_TheCutTeachesNothingAboutCycleEnds()
    {
        // Learned cycles, then a silence (idle flush) cuts one after its position sentences: once
        // with the rest of that cycle coming after the silence (late), once with it lost. Neither
        // cut is a cycle end: the cycles after them complete at their own GST again at once.
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r10", sink);
        var start = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        var waited = new List<int>();
        for (int i = 0; i < 50; i++)
        {
            List<string> cycle = CycleBuilder.TenHertzCycle(start.AddMilliseconds(i * 100), gsv: i % 10 == 0, zda: i % 10 == 0);
            if (i is 25 or 35)
            {
                NmeaText.Feed(decoder, cycle.Take(4)); // RMC VTG GGA and the first GSA, then silence
                decoder.Assembler.Flush();
                if (i == 25)
                {
                    NmeaText.Feed(decoder, cycle.Skip(4)); // the second GSA and GST, after the cut
                }
            }
            else
            {
                NmeaText.Feed(decoder, cycle);
            }

            if (sink.Epochs.Count != i + 1)
            {
                waited.Add(i);
            }
        }

        Assert.Equal(2, decoder.Assembler.LateSentences);
        Assert.Equal(0, decoder.Assembler.CycleResets);
        Assert.DoesNotContain(waited, i => i >= 25);
        Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), sink.Epochs.Select(e => e.Sequence));
    }

    [Fact]
    public void Add_CycleEndsWithTwoGsaOfOneKind_CompletesAtTheSecond()
    {
        // An NMEA 4.0 multi-GNSS receiver: GNGSA once per constellation without the system id,
        // so both are one kind, and they end the cycle. The epoch is complete at the second, with
        // both lists of used satellites; completing at the first would move the second list into
        // the next epoch.
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("gn40", sink);
        var waited = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            DateTime t = CycleBuilder.Start.AddSeconds(i);
            string hms = t.ToString("HHmmss.ff", System.Globalization.CultureInfo.InvariantCulture);
            NmeaText.Feed(decoder,
            [
                NmeaText.Line($"GNRMC,{hms},A,2749.6800,N,11308.0400,E,0.1,87.5,{t:ddMMyy},,,A"),
                NmeaText.Line($"GNGGA,{hms},2749.6800,N,11308.0400,E,1,09,0.9,58.3,M,-21.4,M,,"),
                NmeaText.Line("GNGSA,A,3,05,13,15,18,23,,,,,,,,1.6,0.9,1.3"),
                NmeaText.Line("GNGSA,A,3,70,71,80,87,,,,,,,,,1.6,0.9,1.3"),
            ]);
            if (sink.Epochs.Count != i + 1)
            {
                waited.Add(i);
            }
        }

        decoder.Assembler.Flush();
        Assert.Equal(10, sink.Epochs.Count);
        Assert.All(sink.Epochs, e => Assert.Equal(9, e.UsedCount));
        Assert.Equal(0, decoder.Assembler.LateSentences);
        Assert.DoesNotContain(waited, i => i >= 3);
    }

    [Fact]
    public void Add_TenHertzSkyOncePerSecondLive_FixOnlyEpochsAtGstSkyEpochsAtZda()
    {
        // The load harness's receivers (issue 17), decoded live: a 10 Hz receiver whose GSV sets
        // and ZDA come once a second ends its fix-only cycles at GST and its sky cycles at ZDA,
        // with a silence after each (the idle flush hands out an epoch whose position is out and
        // whose end did not come). Joined at .9 s, the first whole cycle it sees is a sky one.
        // Each epoch must reach the sink at its own last sentence: before, a cycle that the idle
        // flush ended taught nothing, so this receiver never learned that GST ends the fix-only
        // cycles and handed every one of them out a quarter cycle late (COMPLETE p99 29 ms).
        var feed = new IdleFlushFeed();
        var start = new DateTime(2026, 11, 27, 2, 0, 0, 900, DateTimeKind.Utc);
        var handouts = new List<IdleFlushFeed.Handout>();
        for (int i = 0; i < 50; i++)
        {
            DateTime t = start.AddMilliseconds(i * 100);
            bool sky = t.Millisecond == 0;
            handouts.Add(feed.Feed(CycleBuilder.TenHertzCycle(t, gsv: sky, zda: sky), (int)t.TimeOfDay.TotalMilliseconds));
        }

        // Learning: a shape completes a cycle once seen twice, so the first two fix-only cycles
        // and the first two sky cycles wait; from cycle 12 (02:00:02.1) on, none does.
        Assert.All(handouts.Skip(12), h => Assert.Equal(IdleFlushFeed.Handout.AtLastSentence, h));
        Assert.InRange(handouts.Count(h => h != IdleFlushFeed.Handout.AtLastSentence), 1, 4);
        Assert.DoesNotContain(IdleFlushFeed.Handout.BeforeLastSentence, handouts);
        Assert.Equal(0, feed.Decoder.Assembler.LateSentences);
        Assert.Equal(50, feed.Sink.Epochs.Count);
        Assert.All(feed.Sink.Epochs.Where(e => e.TimeOfDayMs % 1000 == 0), e => Assert.Equal(8, e.SatelliteCount));
    }

    [Fact]
    public void Add_TenHertzOutageLive_NoFixEpochsAtTheirLastGsaNoFixSkyEpochsAtZda()
    {
        // The same receiver with its fix lost for three seconds (seeds/park-vehicle-rtk-10hz.nmea
        // has two such outages): no GST, so a no-fix cycle ends at its second GSA, and one on the
        // second at ZDA after its GSV sets. At that GSA both can still follow, and only the time
        // tells them apart (the GSV sets and ZDA come on the second), so the no-fix cycles between
        // must not wait for them. Before, every no-fix cycle went out by the idle flush.
        var feed = new IdleFlushFeed();
        var start = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        var handouts = new List<IdleFlushFeed.Handout>();
        for (int i = 0; i < 70; i++)
        {
            DateTime t = start.AddMilliseconds(i * 100);
            bool sky = t.Millisecond == 0;
            bool fix = i is < 20 or >= 50;
            handouts.Add(feed.Feed(CycleBuilder.TenHertzCycle(t, gsv: sky, zda: sky, fix: fix), (int)t.TimeOfDay.TotalMilliseconds));
        }

        // The outage's first second learns the two no-fix shapes (its sky cycle and its first two
        // others wait), its second second trusts the no-fix sky shape once seen twice (cycle 30
        // waits); from then on, and when the fix is back, every cycle ends at its last sentence.
        Assert.All(handouts.Skip(31), h => Assert.Equal(IdleFlushFeed.Handout.AtLastSentence, h));
        Assert.All(handouts.Skip(23).Take(7), h => Assert.Equal(IdleFlushFeed.Handout.AtLastSentence, h));
        Assert.DoesNotContain(IdleFlushFeed.Handout.BeforeLastSentence, handouts);
        Assert.Equal(0, feed.Decoder.Assembler.LateSentences);
        Assert.Equal(70, feed.Sink.Epochs.Count);
        Assert.All(feed.Sink.Epochs.Skip(20).Take(30), e => Assert.False(e.HasPosition));
        Assert.All(feed.Sink.Epochs.Where(e => e.TimeOfDayMs % 1000 == 0), e => Assert.Equal(8, e.SatelliteCount));
    }

    [Fact]
    public void Add_SilenceCutsNoFixCyclesBeforeTheirGsas_LaterCyclesStillEndAtTheirLastGsa()
    {
        // In an outage (no GST) the line falls silent after a cycle's GGA, three times: the idle
        // flush hands that epoch out, and its GSAs, untimed and with no sentence of its time after
        // them, begin the next cycle. That cycle (two GSAs, then RMC VTG GGA GSA GSA) has the
        // no-fix shape's kinds in another order; learned, it would let every later cycle end at its
        // GGA and hand its GSAs to the next epoch, for good. It must teach nothing.
        var feed = new IdleFlushFeed();
        var start = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        var handouts = new List<IdleFlushFeed.Handout>();
        for (int i = 0; i < 60; i++)
        {
            DateTime t = start.AddMilliseconds(i * 100);
            bool sky = t.Millisecond == 0;
            List<string> cycle = CycleBuilder.TenHertzCycle(t, gsv: sky, zda: sky, fix: false);
            handouts.Add(feed.Feed(cycle, (int)t.TimeOfDay.TotalMilliseconds, silenceAfter: i is 25 or 35 or 45 ? 3 : -1));
        }

        Assert.All(handouts.Skip(47), h => Assert.Equal(IdleFlushFeed.Handout.AtLastSentence, h));
        Assert.All(handouts.Skip(37).Take(8), h => Assert.Equal(IdleFlushFeed.Handout.AtLastSentence, h));
        Assert.DoesNotContain(IdleFlushFeed.Handout.BeforeLastSentence, handouts);
        Assert.Equal(60, feed.Sink.Epochs.Count);
    }

    [Fact]
    public void Add_TenHertzWithoutFixFromTheStart_SkyEpochsAfterTheFirstKeepTheirSatellites()
    {
        // The same receiver switched on indoors (or joined in an outage): no fix, so no GST, and
        // the 10 Hz cycles end at the second GSA. The first sky cycle shows that GSV sets and ZDA
        // can follow that GSA; it was completed at the GSA before they came (nothing had said
        // otherwise), but from then on every sky cycle must wait for them. Sky is what a user
        // looks at when there is no fix.
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("indoors", sink);
        var start = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        const int First = 1;
        const int Cycles = 60;
        for (int i = First; i < First + Cycles; i++)
        {
            DateTime t = start.AddMilliseconds(i * 100);
            string hms = t.ToString("HHmmss.ff", System.Globalization.CultureInfo.InvariantCulture);
            var cycle = new List<string>
            {
                NmeaText.Line($"GNRMC,{hms},V,,,,,,,{t:ddMMyy},,,N,V"),
                NmeaText.Line("GNVTG,,T,,M,,N,,K,N"),
                NmeaText.Line($"GNGGA,{hms},,,,,0,00,99.99,,,,,,"),
                NmeaText.Line("GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1"),
                NmeaText.Line("GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,4"),
            };
            if (i % 10 == 0)
            {
                cycle.Add(NmeaText.Line("GPGSV,2,1,06,05,45,120,,13,33,210,,15,60,300,,18,22,050,,1"));
                cycle.Add(NmeaText.Line("GPGSV,2,2,06,23,15,170,,29,05,330,,1"));
                cycle.Add(NmeaText.Line("GBGSV,1,1,04,19,55,180,,20,40,090,,21,38,260,,22,70,010,,1"));
                cycle.Add(NmeaText.Line($"GNZDA,{hms},{t:dd},{t:MM},{t:yyyy},00,00"));
            }

            NmeaText.Feed(decoder, cycle);
        }

        decoder.Assembler.Flush();
        List<Epoch> sky = [.. sink.Epochs.Where(e => e.TimeOfDayMs % 1000 == 0)];
        Assert.Equal(Cycles / 10, sky.Count);
        Assert.All(sky.Skip(1), e => Assert.True(e.Satellites.Length == 10, $"the sky cycle at {e.UtcTime:HH:mm:ss.f} has {e.Satellites.Length} of its 10 satellites"));
        Assert.Equal(4, decoder.Assembler.LateSentences); // the first sky cycle's tail: two GPGSV, GBGSV, ZDA
        Assert.Equal(Cycles, sink.Epochs.Count);
        Assert.Equal(Enumerable.Range(1, Cycles).Select(n => (long)n), sink.Epochs.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)] // joins in the middle of the first second: the first sky cycle is seen before its company is known
    [InlineData(157)]
    [InlineData(1234)]
    public void Add_TenHertzSeedLineByLine_EpochsCompleteWithoutWaitingForTheNext(int skipLines)
    {
        string seed = Path.Combine(Corpus.RepositoryRoot!, "seeds", "park-vehicle-rtk-10hz.nmea");
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("truck", sink);
        var waited = new List<Epoch>();
        string[] lines = [.. File.ReadLines(seed).Skip(skipLines)];
        foreach (string line in lines)
        {
            int before = sink.Epochs.Count;
            NmeaText.Feed(decoder, [line]);

            // A cycle starts with RMC: an epoch handed out by it waited for the next cycle.
            if (line.StartsWith("$GNRMC", StringComparison.Ordinal) && sink.Epochs.Count > before)
            {
                waited.Add(sink.Epochs[^1]);
            }
        }

        decoder.Assembler.Flush();
        // One epoch per cycle (each starts with RMC), plus the cut-off head of the first one.
        int cycles = lines.Count(l => l.StartsWith("$GNRMC", StringComparison.Ordinal));
        Assert.InRange(sink.Epochs.Count, cycles, cycles + 1);
        Assert.InRange(decoder.Assembler.LateSentences, 0, skipLines == 0 ? 0 : 2);

        // Only the first two seconds (learning: ZDA's company is known after the first full sky
        // cycle) and the outages (no fix: no GST, the cycle ends elsewhere) fall back to the time
        // change; every epoch with a fix after that is on time.
        DateTime learned = sink.Epochs.First(e => e.UtcTime.HasValue).UtcTime!.Value.AddSeconds(2);
        Assert.All(waited.Where(e => e.UtcTime > learned), e => Assert.False(e.HasPosition, $"epoch at {e.UtcTime:HH:mm:ss.f} with a fix waited for the next cycle"));
        Assert.True(waited.Count < 150, $"{waited.Count} of 3000 epochs waited");
    }

    [Fact]
    public void Flush_MidEpochThenTheRestOfIt_RestCountedLateNoSecondEpochForThatTime()
    {
        // A silence after the position sentences makes the worker flush (idle flush); the rest of
        // the epoch then arrives. It must not become a second epoch (without a fix) of the same time.
        string seed = Path.Combine(Corpus.RepositoryRoot!, "seeds", "park-vehicle-rtk-10hz.nmea");
        string[] lines = [.. File.ReadLines(seed).Where(l => l.StartsWith('$')).Take(600)];
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("truck", sink);
        int flushes = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            NmeaText.Feed(decoder, [lines[i]]);
            bool afterGga = lines[i].StartsWith("$GNGGA", StringComparison.Ordinal);
            if (afterGga && i % 7 == 2)
            {
                decoder.Assembler.Flush();
                flushes++;
            }
        }

        decoder.Assembler.Flush();
        Assert.True(flushes > 5, $"only {flushes} flushes");
        int cycles = lines.Count(l => l.StartsWith("$GNRMC", StringComparison.Ordinal));
        Assert.Equal(cycles, sink.Epochs.Count);
        Assert.Equal(sink.Epochs.Count, sink.Epochs.Select(e => e.UtcTime).Distinct().Count());
        Assert.All(sink.Epochs, e => Assert.True(e.HasPosition, $"epoch at {e.UtcTime:HH:mm:ss.ff} without a fix"));
        Assert.Equal(sink.Positions.Count, sink.Positions.Select(e => e.UtcTime).Distinct().Count());
        Assert.True(decoder.Assembler.LateSentences > flushes, $"{decoder.Assembler.LateSentences} late sentences for {flushes} flushes");
    }

    [SkippableFact]
    public void Add_OneReceiverChangesItsOutputMidStream_EpochsAsIfDecodedApart()
    {
        // Every capture of the gpsd corpus one after the other on one line (as if the receiver
        // were reconfigured, or swapped, 17 times): what was learned from one must not make the
        // next hand out an epoch twice (the tail of an epoch completed too early as a second
        // epoch of the same time) or lose epochs. Decoded apart, the captures give N epochs.
        Skip.If(Corpus.GpsdDirectory is null, "the shared corpus is not beside the repository");
        string[][] captures = [.. Directory.GetFiles(Corpus.GpsdDirectory!, "*.log").Order(StringComparer.Ordinal)
            .Select(f => File.ReadLines(f, System.Text.Encoding.Latin1).Where(l => l.StartsWith('$')).ToArray())];
        int apart = captures.Sum(c => NmeaText.DecodeAll(c).Count);

        List<Epoch> together = NmeaText.DecodeAll(captures.SelectMany(c => c));

        Assert.Equal(apart, together.Count);
        int repeated = together.Zip(together.Skip(1)).Count(p => p.First.TimeOfDayMs is { } t && t == p.Second.TimeOfDayMs);
        Assert.Equal(0, repeated);
    }
}
