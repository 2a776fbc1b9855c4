using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests;

public class ServiceAppTests
{
    [Fact]
    public async Task TryCreate_SourceTime_PacesReplaySources()
    {
        // The handheld seed is ten minutes of 1 Hz epochs: on the system clock a replay at speed 1
        // takes ten minutes; on a clock moved ten minutes ahead it is read at once.
        var world = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        string[] args =
        [
            "--BeidouHub:Listen=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            "--BeidouHub:Receivers:0:Id=walker", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-handheld-bd-walk.nmea")}?speed=1",
        ];
        Assert.True(ServiceApp.TryCreate(args, out WebApplication? created, out List<string> errors, sourceTime: world), string.Join("\n", errors));
        await using WebApplication app = created!;
        await app.StartAsync();
        ReceiverWorker walker = app.Services.GetRequiredService<ReceiverHost>().Workers.Single();
        await Eventually.True(() => walker.Snapshot().Sentences > 0, "the first epoch's sentences, released at start");

        world.Advance(TimeSpan.FromMinutes(10));

        await Eventually.True(() => walker.State == ReceiverState.Stopped, "the whole replay once its clock has moved ten minutes");
        Assert.Equal(600, walker.Snapshot().Epochs);
        await app.StopAsync();
    }
}
