using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Tests.Support;

/// <summary>What a subscription holds, read without waiting.</summary>
internal static class Queued
{
    public static List<T> Drain<T>(Subscription<T> sub)
        where T : class
    {
        var items = new List<T>();
        while (sub.Reader.TryRead(out T? item))
        {
            items.Add(item);
        }

        return items;
    }
}
