using BeidouHub.Service.Security;

namespace BeidouHub.Service.Tests.Security;

public class IdScopeTests
{
    [Theory]
    [InlineData("truck-*", "truck-7", true)]
    [InlineData("truck-*", "truck-", true)]
    [InlineData("truck-*", "truck", false)]
    [InlineData("truck-*", "xtruck-7", false)]
    [InlineData("*-7", "truck-7", true)]
    [InlineData("*-7", "truck-17", false)]
    [InlineData("gate-?", "gate-3", true)]
    [InlineData("gate-?", "gate-12", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXcYYb", false)]
    [InlineData("a*bc", "abcbc", true)]
    [InlineData("*", "", true)]
    [InlineData("x*", "", false)]
    public void Glob_PatternAndId_MatchesAsShellGlobs(string pattern, string id, bool expected)
    {
        Assert.Equal(expected, IdScope.Glob(pattern, id));
    }

    [Fact]
    public void Matches_ExactIdsAndPatterns_EitherAdmits()
    {
        IdScope scope = IdScope.From(["gate-1", "truck-*"]);

        Assert.True(scope.Matches("gate-1"));
        Assert.True(scope.Matches("truck-99"));
        Assert.False(scope.Matches("gate-2"));
        Assert.False(scope.Matches("Truck-1"));
        Assert.False(scope.IsAll);
        Assert.False(scope.IsEmpty);
        Assert.Null(scope.ExactOnly);
    }

    [Fact]
    public void From_Star_AllIdsAlsoUnknownOnes()
    {
        IdScope scope = IdScope.From(["gate-1", "*"]);

        Assert.True(scope.IsAll);
        Assert.True(scope.Matches("anything-configured-later"));
    }

    [Fact]
    public void From_Nothing_NoIdNotAll()
    {
        IdScope scope = IdScope.From(["", "  "]);

        Assert.True(scope.IsEmpty);
        Assert.False(scope.IsAll);
        Assert.False(scope.Matches("gate-1"));
    }

    [Fact]
    public void ExactOnly_NoPatterns_TheSetItself()
    {
        IdScope scope = IdScope.From(["gate-2", "gate-1", "gate-1"]);

        Assert.Equal(["gate-1", "gate-2"], scope.ExactOnly!.Order(StringComparer.Ordinal));
        Assert.Equal("gate-1,gate-2", scope.Canonical);
    }

    [Fact]
    public void Matches_PatternScope_AllocatesNothing()
    {
        IdScope scope = IdScope.From(["gate-1", "crane-?", "truck-*", "*-tag"]);
        string[] ids = ["truck-17", "worker-3-tag", "gate-9", "crane-4"];
        int hits = 0;
        for (int i = 0; i < 1000; i++)
        {
            hits += scope.Matches(ids[i & 3]) ? 1 : 0;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            hits += scope.Matches(ids[i & 3]) ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(750 + 7500, hits);
        Assert.Equal(0, allocated);
    }
}
