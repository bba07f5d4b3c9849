using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Query;

/// <summary>Asserts a refusal: the right error code, and a message that names the offending part.</summary>
internal static class Refusal
{
    public static void Expect(ErrorCode code, string named, Action action)
    {
        var error = Assert.Throws<ReplicaException>(action);

        Assert.Equal(code, error.Code);
        Assert.Contains(named, error.Message);
    }
}
