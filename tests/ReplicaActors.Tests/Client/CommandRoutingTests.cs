using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Client;

public class CommandRoutingTests
{
    [Theory]
    [InlineData("insert", CommandKind.Write)]
    [InlineData("update", CommandKind.Write)]
    [InlineData("delete", CommandKind.Write)]
    [InlineData("createIndexes", CommandKind.Write)]
    [InlineData("dropIndexes", CommandKind.Write)]
    [InlineData("drop", CommandKind.Write)]
    [InlineData("dropDatabase", CommandKind.Write)]
    [InlineData("create", CommandKind.Write)]
    [InlineData("find", CommandKind.Read)]
    [InlineData("count", CommandKind.Read)]
    [InlineData("listIndexes", CommandKind.Read)]
    [InlineData("listCollections", CommandKind.Read)]
    [InlineData("listDatabases", CommandKind.Read)]
    [InlineData("hello", CommandKind.Admin)]
    [InlineData("replSetGetStatus", CommandKind.Admin)]
    [InlineData("replSetGetConfig", CommandKind.Admin)]
    [InlineData("replSetInitiate", CommandKind.Admin)]
    [InlineData("replSetFreeze", CommandKind.Admin)]
    [InlineData("replSetStepUp", CommandKind.Admin)]
    [InlineData("replSetStepDown", CommandKind.PrimaryOnly)]
    [InlineData("replSetReconfig", CommandKind.PrimaryOnly)]
    [InlineData("somethingNew", CommandKind.PrimaryOnly)]
    public void Each_command_has_its_route(string command, CommandKind kind) => Assert.Equal(kind, CommandRouting.KindOf(command));

    [Theory]
    [InlineData(ErrorCode.NotWritablePrimary, true)]
    [InlineData(ErrorCode.PrimarySteppedDown, true)]
    [InlineData(ErrorCode.InterruptedDueToReplStateChange, true)]
    [InlineData(ErrorCode.NotPrimaryNoSecondaryOk, true)]
    [InlineData(ErrorCode.NotPrimaryOrSecondary, true)]
    [InlineData(ErrorCode.HostUnreachable, true)]
    [InlineData(ErrorCode.NetworkTimeout, true)]
    [InlineData(ErrorCode.DuplicateKey, false)]
    [InlineData(ErrorCode.WriteConcernFailed, false)]
    [InlineData(ErrorCode.ExceededTimeLimit, false)]
    public void Only_role_changes_and_lost_members_are_retried(ErrorCode code, bool retryable) =>
        Assert.Equal(retryable, CommandRouting.IsRetryable(code));
}
