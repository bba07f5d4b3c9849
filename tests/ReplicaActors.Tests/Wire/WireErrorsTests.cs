using MongoDB.Bson;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class WireErrorsTests
{
    [Theory]
    [InlineData("{ ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' }", true, true)]
    [InlineData("{ ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' }", false, false)]
    [InlineData("{ ok: 0, code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000' }", true, false)]
    [InlineData("{ ok: 1, n: 1, writeConcernError: { code: 189, codeName: 'PrimarySteppedDown', errmsg: 'stepped down' } }", true, true)]
    [InlineData("{ ok: 1, n: 1, writeConcernError: { code: 64, codeName: 'WriteConcernFailed', errmsg: 'timed out' } }", true, false)]
    [InlineData("{ ok: 1, n: 1 }", true, false)]
    public void Retryable_writes_get_the_label_for_state_change_errors_only(string reply, bool retryableWrite, bool labelled)
    {
        var result = WireErrors.Labelled(BsonDocument.Parse(reply), retryableWrite);

        Assert.Equal(labelled, result.TryGetValue("errorLabels", out var labels) && labels.AsBsonArray.Contains("RetryableWriteError"));
    }

    [Theory]
    [InlineData("{ ok: 0, code: 13436, codeName: 'NotPrimaryOrSecondary', errmsg: 'RECOVERING' }", true)]
    [InlineData("{ ok: 0, code: 43, codeName: 'CursorNotFound', errmsg: 'cursor id 5 not found' }", true)]
    [InlineData("{ ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'gone' }", false)]
    [InlineData("{ ok: 0, code: 280, codeName: 'ChangeStreamFatalError', errmsg: 'not here' }", false)]
    [InlineData("{ ok: 1, cursor: { id: 0 } }", false)]
    public void Change_stream_errors_that_another_member_may_not_have_are_labelled_resumable(string reply, bool labelled)
    {
        var result = WireErrors.LabelledForChangeStream(BsonDocument.Parse(reply));

        Assert.Equal(labelled, result.TryGetValue("errorLabels", out var labels) && labels.AsBsonArray.Contains("ResumableChangeStreamError"));
    }

    [Fact]
    public void The_write_id_comes_from_the_session_and_transaction_number()
    {
        var lsid = new BsonBinaryData(Guid.Parse("9c2f8a1e-0000-4000-8000-000000000001"), GuidRepresentation.Standard);
        var command = new BsonDocument { { "insert", "c" }, { "lsid", new BsonDocument("id", lsid) }, { "txnNumber", 7L } };

        var request = new WireRequest("d", command, 1);

        Assert.True(request.IsRetryableWrite);
        Assert.Equal(new BsonDocument { { "insert", "c" }, { "writeId", new BsonDocument { { "lsid", lsid }, { "txnNumber", 7L } } } }, request.ForMember());
        Assert.Null(RetryableWrite.WriteId(new BsonDocument { { "insert", "c" }, { "lsid", new BsonDocument("id", lsid) } }));
    }

    [Fact]
    public void A_legacy_secondary_ok_flag_becomes_a_read_preference()
    {
        var request = new WireRequest("d", new BsonDocument { { "find", "c" }, { "$db", "d" } }, 1, SecondaryOk: true);

        Assert.Equal(BsonDocument.Parse("{ find: 'c', $readPreference: { mode: 'secondaryPreferred' } }"), request.ForMember());
    }
}
