using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Receiver.Tests.Epochs;

/// <summary>
/// The cycle learner on kind sequences, as the assembler feeds it (no NMEA): the kinds of the
/// 10 Hz pattern of seeds/park-vehicle-rtk-10hz.nmea, RMC VTG GGA GSA(1) GSA(4) [GPGSV GBGSV] GST
/// [ZDA], the bracketed ones on the second. <see cref="Run"/> plays one cycle as the assembler
/// does: a cycle the learner says is complete is handed out, and the rest of it comes late.
/// </summary>
public class CycleLearnerTests
{
    private const int Rmc = 0;
    private const int Vtg = 1;
    private const int Gga = 2;
    private const int Gsa1 = 3;
    private const int Gsa4 = 4;
    private const int GsvGp = 5;
    private const int GsvGb = 6;
    private const int Gst = 7;
    private const int Zda = 8;
    private const int Gll = 9;

    private static readonly int[] FixOnly = [Rmc, Vtg, Gga, Gsa1, Gsa4, Gst];
    private static readonly int[] Sky = [Rmc, Vtg, Gga, Gsa1, Gsa4, GsvGp, GsvGb, Gst, Zda];
    private static readonly int[] NoFix = [Rmc, Vtg, Gga, Gsa1, Gsa4];
    private static readonly int[] NoFixSky = [Rmc, Vtg, Gga, Gsa1, Gsa4, GsvGp, GsvGb, Zda];

    [Fact]
    public void Observe_FixOnlyCycleOnceSkyShapeIsKnown_CompletesAtGst()
    {
        // At GST the sky shape is still possible by its kinds (it has GST too, then ZDA), but its
        // GSV sets come before GST and did not come. (Its GSV sets have come twice, a period is
        // not known yet: the time cannot tell.) Kills: the order rule left out (RuleOut checking
        // only that the shape has the kind), which waits for a ZDA that cannot come.
        var learner = new CycleLearner();
        Second(learner, 0, fix: true);
        Second(learner, 1000, fix: true);

        Assert.Equal(FixOnly.Length - 1, Run(learner, 2100, fix: true, FixOnly));
        Assert.Equal(FixOnly.Length - 1, Run(learner, 2200, fix: true, FixOnly));
    }

    [Fact]
    public void Observe_SkyCycleOnceItsShapeIsKnown_CompletesAtZdaNotAtGst()
    {
        // The fix-only shape ends at GST, but the GSV sets that came before it are not in it.
        // Kills: shapes kept possible when they lack a kind that came (the fix-only one then
        // never lets the sky cycle end).
        var learner = new CycleLearner();
        Second(learner, 0, fix: true);
        Second(learner, 1000, fix: true);

        Assert.Equal(Sky.Length - 1, Run(learner, 2000, fix: true, Sky));
        Assert.Equal(0, learner.Resets);
    }

    [Fact]
    public void Observe_NoFixCycleBetweenTheSeconds_CompletesAtItsLastGsa()
    {
        // An outage: no GST. At the second GSA three shapes hold every kind so far: the no-fix
        // one (complete), the fix-only one (GST to come) and the no-fix sky one (GSV sets, ZDA to
        // come). The fix-only one is out because the fix came before VTG in it and has not come;
        // the sky one because its GSV sets and ZDA come on the second and this is .3 s. Kills:
        // no fix kind (the fix-only shape stays possible), no due time and due time inverted (the
        // sky one does).
        var learner = new CycleLearner();
        Second(learner, 0, fix: true);
        Second(learner, 1000, fix: true);
        Second(learner, 2000, fix: false);
        Second(learner, 3000, fix: false);

        Assert.Equal(NoFix.Length - 1, Run(learner, 4300, fix: false, NoFix));
    }

    [Fact]
    public void Observe_NoFixCycleOnTheSecond_WaitsForItsGsvSetsAndZda()
    {
        // The counterpart: on the second the no-fix sky shape is due, so the no-fix shape's end at
        // the second GSA is not enough. Kills: a cycle completed when any possible shape ends
        // (instead of all of them).
        var learner = new CycleLearner();
        Second(learner, 0, fix: true);
        Second(learner, 1000, fix: true);
        Second(learner, 2000, fix: false);
        Second(learner, 3000, fix: false);

        Assert.Equal(NoFixSky.Length - 1, Run(learner, 4000, fix: false, NoFixSky));
        Assert.Equal(0, learner.Resets);
    }

    [Fact]
    public void Observe_ShapeSeenOnce_DoesNotCompleteACycleAlone()
    {
        // triton400.log in gpsd's suite: the capture starts mid-cycle, then a GGA cut by the next
        // sentence leaves a cycle of GLL only. That damaged cycle is the only shape the next whole
        // one fits at its GLL; seen once, it must not end it there. Kills: shapes trusted at once.
        var learner = new CycleLearner();
        int[] whole = [Gll, Gga, Rmc, Gsa1, GsvGp];
        Assert.Equal(-1, Run(learner, 1000, fix: true, [Gsa1, GsvGp]));
        Assert.Equal(-1, Run(learner, 2000, fix: true, [Gll]));

        Assert.Equal(-1, Run(learner, 3000, fix: true, whole));
        Assert.Equal(-1, Run(learner, 4000, fix: true, whole));
        Assert.Equal(whole.Length - 1, Run(learner, 5000, fix: true, whole));
        Assert.Equal(0, learner.Resets);
    }

    [Fact]
    public void Observe_KindThatCameOnlyInPart_IsStillAwaited()
    {
        // A u-blox whose output buffer overflows (ublox-f9p-hpnmea.log: "txbuf alloc") cuts its
        // last GSV set short. That set is part of the shape: the cycle is not complete before it
        // came. Kills: shapes keyed by the kinds that came whole only.
        var learner = new CycleLearner();
        for (int i = 0; i < 3; i++)
        {
            Run(learner, i * 1000, fix: true, [Rmc, Gga, Gsa1, GsvGp], partial: GsvGb);
        }

        Assert.Equal(-1, Run(learner, 3000, fix: true, [Rmc, Gga, Gsa1, GsvGp]));
    }

    [Fact]
    public void Observe_TwoSentencesOfOneKind_CompletesAtTheSecond()
    {
        // NMEA 4.0 GNGSA, one per constellation without a system id: one kind, twice a cycle.
        // Kills: counts not compared.
        var learner = new CycleLearner();
        int[] cycle = [Rmc, Gga, Gsa1, Gsa1];
        Run(learner, 0, fix: true, cycle);
        Run(learner, 1000, fix: true, cycle);

        Assert.Equal(3, Run(learner, 2000, fix: true, cycle));
    }

    [Fact]
    public void Observe_PositionKindsOfTheCycle_ReportsThePositionOnceAfterTheLast()
    {
        var learner = new CycleLearner();
        Second(learner, 0, fix: true);
        learner.Begin();
        learner.SetTime(1100);

        CycleStep[] steps = [.. FixOnly.Select(k => learner.Observe(k, position: k is Rmc or Gga, fix: true))];

        // RMC and GGA carry the position: it is in at GGA (index 2), and said once.
        Assert.Equal([false, false, true, false, false, false], steps.Select(s => (s & CycleStep.PositionIn) != 0));
        Assert.Equal(CycleStep.Complete, steps[^1]);
    }

    [Fact]
    public void Observe_ShapeNotSeenBefore_PositionStillSaidAtTheLastShapesPositionKinds()
    {
        // The first no-fix cycle fits no shape (every one has the fix), but sends the same
        // position sentences: the position goes out at GGA, the epoch waits. Kills: no fallback.
        var learner = new CycleLearner();
        Second(learner, 0, fix: true);
        learner.Begin();
        learner.SetTime(1100);

        CycleStep[] steps = [.. NoFix.Select(k => learner.Observe(k, position: k is Rmc or Gga, fix: false))];

        Assert.Equal(CycleStep.PositionIn, steps[2]);
        Assert.DoesNotContain(steps, s => (s & CycleStep.Complete) != 0);
    }

    [Fact]
    public void Late_AfterACompletionTooEarly_CountsAResetAndTeachesTheLongerShape()
    {
        // Fix-only cycles only, then a cycle with ZDA after GST (not on a period the learner knows):
        // completed at GST, its ZDA comes late. The next two cycles like it are the new shape
        // seen once (wait), then twice (complete at ZDA).
        var learner = new CycleLearner();
        for (int i = 1; i <= 3; i++)
        {
            Run(learner, i * 100, fix: true, FixOnly);
        }

        int[] withZda = [.. FixOnly, Zda];
        Assert.Equal(FixOnly.Length - 1, Run(learner, 400, fix: true, withZda));
        Assert.Equal(1, learner.Resets);

        Assert.Equal(-1, Run(learner, 500, fix: true, withZda));
        Assert.Equal(withZda.Length - 1, Run(learner, 600, fix: true, withZda));
    }

    [Fact]
    public void Tail_UntimedRestOfTheLastCycle_IsThatCycleNotANewOne()
    {
        // The assembler opens a new cycle on the untimed GSV sets after a completed one, then a
        // timed ZDA of the old time shows they were its tail: the old cycle, whole, is taught (so
        // the next such cycle waits for it), and the new one begins clean.
        var learner = new CycleLearner();
        for (int i = 1; i <= 3; i++)
        {
            Run(learner, i * 100, fix: false, NoFix);
        }

        learner.Begin();
        learner.SetTime(1000);
        int completedAt = Array.FindIndex(NoFix, k => (learner.Observe(k, position: k is Rmc or Gga) & CycleStep.Complete) != 0);
        Assert.Equal(NoFix.Length - 1, completedAt);
        learner.Begin();
        learner.Observe(GsvGp);
        learner.Observe(GsvGb);
        learner.Tail(Zda);

        Assert.Equal(1, learner.Resets);
        Assert.Equal(-1, Run(learner, 2000, fix: false, NoFixSky));
        Assert.Equal(-1, Run(learner, 2100, fix: false, NoFix)); // GSV period not known yet: may come
    }

    [Fact]
    public void SetTime_CycleThatBeganWithUntimedSentences_TeachesNothing()
    {
        // A silence cut a no-fix cycle after its GGA (the assembler handed it out), and its GSAs,
        // with no sentence of its time after them, began the next cycle: GSA GSA RMC VTG GGA GSA
        // GSA. That cycle has the no-fix kinds, two GSAs of each; taught, it would be the no-fix
        // shape, wanting two of each GSA, and the next clean cycle would not end at its second
        // GSA. Kills: a cycle begun with untimed sentences after a handed-out one taught.
        var learner = new CycleLearner();
        for (int i = 1; i <= 3; i++)
        {
            Run(learner, i * 100, fix: false, NoFix);
        }

        learner.Begin();
        learner.SetTime(400);
        foreach (int k in NoFix[..3])
        {
            learner.Observe(k, position: k is Rmc or Gga);
        }

        learner.Begin();
        learner.Observe(Gsa1);
        learner.Observe(Gsa4);
        learner.SetTime(500);
        foreach (int k in NoFix)
        {
            Assert.Equal(CycleStep.None, learner.Observe(k, position: k is Rmc or Gga) & CycleStep.Complete);
        }

        Assert.Equal(NoFix.Length - 1, Run(learner, 600, fix: false, NoFix));
        Assert.Equal(NoFix.Length - 1, Run(learner, 700, fix: false, NoFix));
    }

    [Fact]
    public void Observe_SameKindsInAnotherOrder_LearnsThatEitherOrderEnds()
    {
        // A receiver that sends its two GSAs in either order: the cycle in the other order fits
        // no shape (a GSA came before the one it followed), ends at the next time, and is merged
        // into the shape, which from then on keeps only the order both share. Kills: cycles of a
        // known shape not merged into it.
        var learner = new CycleLearner();
        int[] oneOrder = [Rmc, Gga, Gsa1, Gsa4];
        int[] otherOrder = [Rmc, Gga, Gsa4, Gsa1];
        Run(learner, 100, fix: true, oneOrder);
        Run(learner, 200, fix: true, oneOrder);

        Assert.Equal(-1, Run(learner, 300, fix: true, otherOrder));
        Assert.Equal(3, Run(learner, 400, fix: true, otherOrder));
        Assert.Equal(3, Run(learner, 500, fix: true, oneOrder));
    }

    [Fact]
    public void Observe_NothingLearnedYet_NeverCompletes()
    {
        var learner = new CycleLearner();

        Assert.Equal(-1, Run(learner, 0, fix: true, Sky));
        Assert.False(learner.Learned);
        Assert.Equal(-1, Run(learner, 100, fix: true, FixOnly));
        Assert.True(learner.Learned);
    }

    [Fact]
    public void Observe_MoreShapesThanKept_ForgetsTheOneSeenLongestAgo()
    {
        // MaxShapes + 1 shapes of one kind each (20, 21, ...), each seen twice: the first is
        // forgotten, the last still completes. Kills: the newest forgotten instead.
        var learner = new CycleLearner();
        int time = 0;
        for (int k = 0; k <= CycleLearner.MaxShapes; k++)
        {
            Run(learner, time += 100, fix: false, [20 + k]);
            Run(learner, time += 100, fix: false, [20 + k]);
        }

        Assert.Equal(-1, Run(learner, time += 100, fix: false, [20]));
        Assert.Equal(0, Run(learner, time + 100, fix: false, [20 + CycleLearner.MaxShapes - 1]));
    }

    // Plays the fix-only cycles .0-.9 of one second (its .0 a sky cycle) into the learner.
    private static void Second(CycleLearner learner, int startMs, bool fix)
    {
        for (int i = 0; i < 10; i++)
        {
            int[] kinds = (i, fix) switch
            {
                (0, true) => Sky,
                (0, false) => NoFixSky,
                (_, true) => FixOnly,
                _ => NoFix,
            };
            Run(learner, startMs + (i * 100), fix, kinds);
        }
    }

    // One cycle at `timeMs`, as the assembler plays it: the fix comes with RMC; once the learner
    // says complete, the rest is late. Returns the index of the kind it completed at, -1 for none
    // (the cycle ended at the next one's time). `partial`: a GSV set cut short at the end.
    private static int Run(CycleLearner learner, int timeMs, bool fix, int[] kinds, int partial = -1)
    {
        learner.Begin();
        learner.SetTime(timeMs);
        int completedAt = -1;
        for (int i = 0; i < kinds.Length; i++)
        {
            int k = kinds[i];
            if (completedAt >= 0)
            {
                learner.Late(k);
                continue;
            }

            CycleStep step = learner.Observe(k, position: k is Rmc or Gga or Gll, fix: fix);
            if ((step & CycleStep.Complete) != 0)
            {
                completedAt = i;
            }
        }

        if (partial >= 0)
        {
            if (completedAt >= 0)
            {
                learner.Late(partial, completes: false);
            }
            else
            {
                learner.Observe(partial, completes: false);
            }
        }

        return completedAt;
    }
}
