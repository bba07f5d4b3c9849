using System.Buffers.Binary;
using MongoDB.Bson;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class FramingTests
{
    private static (MessageHeader Header, byte[] Payload) Split(byte[] message) =>
        (MessageHeader.Read(message), message[MessageHeader.Size..]);

    [Fact]
    public void An_op_msg_merges_its_document_sequences_into_the_body()
    {
        var message = OpMsg.EncodeRequest(7, OpMsgFlags.None, BsonDocument.Parse("{ insert: 'c', ordered: true, $db: 'd' }"),
            new DocumentSequence("documents", [new BsonDocument("_id", 1), new BsonDocument("_id", 2)]));
        var (header, payload) = Split(message);

        var command = OpMsg.Parse(payload, payload.Length).Command();

        Assert.Equal(new MessageHeader(message.Length, 7, 0, (int)OpCode.Msg), header);
        Assert.Equal(BsonDocument.Parse("{ insert: 'c', ordered: true, $db: 'd', documents: [{ _id: 1 }, { _id: 2 }] }"), command);
    }

    [Fact]
    public void A_checksum_is_accepted_and_more_to_come_is_read()
    {
        var (_, payload) = Split(OpMsg.EncodeRequest(1, OpMsgFlags.ChecksumPresent | OpMsgFlags.MoreToCome, BsonDocument.Parse("{ endSessions: [], $db: 'admin' }")));

        var message = OpMsg.Parse(payload, payload.Length);

        Assert.True(message.MoreToCome);
        Assert.Equal("endSessions", message.Body.GetElement(0).Name);
    }

    [Theory]
    [InlineData(1 << 2, true)]    // an unknown required flag bit
    [InlineData(1 << 20, false)]  // an unknown optional one is ignored
    public void Unknown_required_flag_bits_close_the_connection(int flag, bool refused)
    {
        var (_, payload) = Split(OpMsg.EncodeRequest(1, (OpMsgFlags)flag, BsonDocument.Parse("{ ping: 1, $db: 'admin' }")));

        var error = Record.Exception(() => OpMsg.Parse(payload, payload.Length));

        Assert.Equal(refused, error is WireFormatException { CloseConnection: true });
    }

    [Fact]
    public void An_unknown_section_kind_closes_the_connection_and_bad_bson_does_not()
    {
        var (_, payload) = Split(OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ ping: 1, $db: 'admin' }")));
        var unknownKind = (byte[])payload.Clone();
        unknownKind[4] = 9;
        var badLength = (byte[])payload.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(badLength.AsSpan(5), 1000);

        Assert.True(Assert.Throws<WireFormatException>(() => OpMsg.Parse(unknownKind, unknownKind.Length)).CloseConnection);
        Assert.False(Assert.Throws<WireFormatException>(() => OpMsg.Parse(badLength, badLength.Length)).CloseConnection);
    }

    [Fact]
    public void A_document_nested_past_the_depth_limit_is_refused_before_it_is_read()
    {
        // Built by hand: MongoDB.Bson's own writer refuses to nest this deep.
        var document = new byte[] { 5, 0, 0, 0, 0 };
        for (var i = 0; i < 200; i++)
        {
            var outer = new byte[4 + 3 + document.Length + 1];
            BinaryPrimitives.WriteInt32LittleEndian(outer, outer.Length);
            outer[4] = 0x03;
            outer[5] = (byte)'a';
            document.CopyTo(outer, 7);
            document = outer;
        }
        var payload = new byte[4 + 1 + document.Length];
        document.CopyTo(payload, 5);

        var error = Assert.Throws<WireFormatException>(() => OpMsg.Parse(payload, payload.Length));

        Assert.Contains("nested deeper", error.Message);
        Assert.False(error.CloseConnection);
    }

    [Theory]
    [InlineData(15, "shorter than the 16-byte header")]
    [InlineData(48_000_001, "over the limit")]
    [InlineData(100, null)]
    public void A_header_with_an_impossible_length_is_refused(int length, string? problem)
    {
        var found = new MessageHeader(length, 1, 0, (int)OpCode.Msg).Problem(48_000_000);

        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Fact]
    public void A_legacy_hello_is_unwrapped_and_answered_with_an_op_reply()
    {
        var query = BsonDocument.Parse("{ $query: { isMaster: 1, helloOk: true }, $readPreference: { mode: 'secondaryPreferred' } }").ToBson();
        var name = "admin.$cmd\0"u8.ToArray();
        var payload = new byte[4 + name.Length + 8 + query.Length];
        BinaryPrimitives.WriteInt32LittleEndian(payload, 4);
        name.CopyTo(payload, 4);
        query.CopyTo(payload, 4 + name.Length + 8);

        var parsed = OpQuery.Parse(payload, payload.Length);
        var reply = OpReply.Encode(9, 3, new BsonDocument("ok", 1.0));

        Assert.Equal("admin", parsed.CommandDb);
        Assert.True(parsed.SecondaryOk);
        Assert.Equal(BsonDocument.Parse("{ isMaster: 1, helloOk: true, $readPreference: { mode: 'secondaryPreferred' } }"), parsed.Command());
        Assert.Equal(new MessageHeader(reply.Length, 9, 3, (int)OpCode.Reply), MessageHeader.Read(reply));
        Assert.Equal(new BsonDocument("ok", 1.0), OpReply.Document(reply[MessageHeader.Size..]));
    }
}
