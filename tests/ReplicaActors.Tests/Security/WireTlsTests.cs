using System.Net.Security;
using MongoDB.Bson;
using ReplicaActors.Security;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Security;

public sealed class WireTlsTests
{
    [Fact]
    public async Task A_real_ClientHello_is_told_apart_from_a_MongoDB_message_by_its_first_bytes()
    {
        var hello = await ClientHelloAsync();

        Assert.True(WireTls.IsClientHello(hello));
        Assert.False(WireTls.IsClientHello(OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ hello: 1, $db: 'admin' }"))));
        Assert.False(WireTls.IsClientHello(hello.AsSpan(0, WireTls.SniffLength - 1)));
    }

    [Theory]
    [InlineData(22)]
    [InlineData(278)]
    [InlineData(790)]
    [InlineData(66_326 + 256)]
    public void A_MongoDB_message_whose_length_starts_with_the_handshake_byte_is_not_taken_for_TLS(int length)
    {
        var header = new byte[WireTls.SniffLength];
        BitConverter.TryWriteBytes(header, length);
        header[4] = 0x01;
        header[5] = 0x00;

        Assert.Equal(0x16, header[0]);
        Assert.False(WireTls.IsClientHello(header));
    }

    [Fact]
    public async Task A_prefixed_stream_gives_back_the_sniffed_bytes_before_the_rest()
    {
        await using var stream = new PrefixedStream(new MemoryStream([4, 5, 6]), [1, 2, 3]);
        var read = new byte[6];

        await stream.ReadExactlyAsync(read);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, read);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
    }

    /// <summary>What .NET's TLS client sends first, captured: its handshake fails once it reads no answer.</summary>
    private static async Task<byte[]> ClientHelloAsync()
    {
        var sent = new MemoryStream();
        await using var client = new SslStream(new CaptureStream(sent));
        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsClientAsync("127.0.0.1"));
        return sent.ToArray();
    }

    /// <summary>Keeps what is written; reads find the end of the stream.</summary>
    private sealed class CaptureStream(MemoryStream sent) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => 0;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => sent.Write(buffer, offset, count);
    }
}
