namespace BeidouHub.Receiver.Tests;

public class ReceiverAssemblyTests
{
    [Fact]
    public void Assembly_Loads_HasReceiverName()
    {
        Assert.Equal("BeidouHub.Receiver", typeof(ReceiverAssembly).Assembly.GetName().Name);
    }
}
