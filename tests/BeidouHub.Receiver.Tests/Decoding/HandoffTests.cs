using BeidouHub.Receiver.Decoding;

namespace BeidouHub.Receiver.Tests.Decoding;

/// <summary><see cref="Handoff{T}"/>: the queue between a decode's threads.</summary>
public class HandoffTests
{
    [Fact]
    public void TryTake_FromAnotherThread_EveryItemOnceInOrder()
    {
        var handoff = new Handoff<int>();
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                handoff.Add(i);
            }

            handoff.Complete();
        });
        producer.Start();

        var taken = new List<int>();
        while (handoff.TryTake(out int item))
        {
            taken.Add(item);
        }

        producer.Join();
        Assert.Equal(Enumerable.Range(0, 10_000), taken);
    }

    [Fact]
    public void TryTake_AfterComplete_TheItemsLeftThenFalse()
    {
        var handoff = new Handoff<string>();
        handoff.Add("a");
        handoff.Add("b");
        handoff.Complete();

        Assert.True(handoff.TryTake(out string? first));
        Assert.True(handoff.TryTake(out string? second));
        Assert.False(handoff.TryTake(out _));
        Assert.Throws<InvalidOperationException>(() => handoff.Take());
        Assert.Equal(["a", "b"], [first, second]);
        Assert.Throws<InvalidOperationException>(() => handoff.Add("c"));
    }

    [Fact]
    public void TryTake_CancelledWhileWaiting_Throws()
    {
        var handoff = new Handoff<int>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.ThrowsAny<OperationCanceledException>(() => handoff.TryTake(out _, cancel.Token));
    }

    [Fact]
    public void TryTake_CancelledBefore_ThrowsEvenWithAnItemThere()
    {
        var handoff = new Handoff<int>();
        handoff.Add(1);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => handoff.TryTake(out _, cancel.Token));
        Assert.True(handoff.TryTake(out int item));
        Assert.Equal(1, item);
    }
}
