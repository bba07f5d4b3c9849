using System.Security.Cryptography;
using System.Text;
using ReplicaActors.Security;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Security;

/// <summary>The server side of SCRAM-SHA-256 against RFC 7677's example, and against a client computed here from the RFC.</summary>
public sealed class ScramTests
{
    // RFC 7677 §3: user "user", password "pencil".
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static readonly ScramCredential Pencil = ScramCredential.Create("pencil", 4096, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static ScramConversation Rfc7677Conversation() => new(ScramClientFirst.Parse(Bytes(ClientFirst)), Pencil, ServerNonce);

    [Fact]
    public void The_RFC_7677_example_authenticates_with_its_server_first_and_server_final_messages()
    {
        var conversation = Rfc7677Conversation();

        Assert.Equal(ServerFirst, Encoding.UTF8.GetString(conversation.ServerFirst));
        Assert.Equal(ServerFinal, Encoding.UTF8.GetString(conversation.Finish(Bytes(ClientFinal))));
    }

    [Fact]
    public void A_client_computed_from_the_RFC_authenticates_and_checks_the_server_signature()
    {
        var credential = ScramCredential.Create("s3cret pass!", 15000);
        var first = "n,,n=alice,r=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var conversation = new ScramConversation(ScramClientFirst.Parse(Bytes(first)), credential);

        var (final, expectedServerSignature) = Client.Final("s3cret pass!", first, Encoding.UTF8.GetString(conversation.ServerFirst));

        Assert.Equal("v=" + expectedServerSignature, Encoding.UTF8.GetString(conversation.Finish(Bytes(final))));
    }

    [Fact]
    public void A_wrong_password_fails_with_mongods_message()
    {
        var credential = ScramCredential.Create("right", 4096);
        var first = "n,,n=alice,r=abc";
        var conversation = new ScramConversation(ScramClientFirst.Parse(Bytes(first)), credential);
        var (final, _) = Client.Final("wrong", first, Encoding.UTF8.GetString(conversation.ServerFirst));

        var refusal = Assert.Throws<ReplicaException>(() => conversation.Finish(Bytes(final)));

        Assert.Equal((ErrorCode.AuthenticationFailed, "Authentication failed."), (refusal.Code, refusal.Message));
    }

    [Fact]
    public void A_client_final_message_replayed_into_a_new_conversation_never_authenticates()
    {
        // The same client nonce, a fresh random server nonce: the old final message names the old nonce.
        var conversation = new ScramConversation(ScramClientFirst.Parse(Bytes(ClientFirst)), Pencil);

        var refusal = Assert.Throws<ReplicaException>(() => conversation.Finish(Bytes(ClientFinal)));

        Assert.Equal(ErrorCode.AuthenticationFailed, refusal.Code);
        Assert.Contains("nonce", refusal.Message);
    }

    [Fact]
    public void A_conversation_checks_one_proof_only()
    {
        var conversation = Rfc7677Conversation();
        conversation.Finish(Bytes(ClientFinal));

        Assert.Throws<ReplicaException>(() => conversation.Finish(Bytes(ClientFinal)));
    }

    [Fact]
    public void The_stored_credential_is_the_RFC_keys_and_never_the_password()
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Bytes("pencil"), Pencil.Salt, 4096, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, Bytes("Client Key"));

        Assert.Equal(SHA256.HashData(clientKey), Pencil.StoredKey);
        Assert.Equal(HMACSHA256.HashData(salted, Bytes("Server Key")), Pencil.ServerKey);
        Assert.DoesNotContain("pencil", Pencil.ToBson().ToString());
        var read = ScramCredential.FromBson(Pencil.ToBson());
        Assert.Equal(4096, read.IterationCount);
        Assert.Equal([Pencil.Salt, Pencil.StoredKey, Pencil.ServerKey], [read.Salt, read.StoredKey, read.ServerKey]);
    }

    [Theory]
    [InlineData("n,,n=a=2Cb=3Dc,r=x", "a,b=c")]
    [InlineData("y,,n=user,r=x", "user")]
    public void User_names_are_unescaped_and_a_y_header_is_taken(string first, string user) =>
        Assert.Equal(user, ScramClientFirst.Parse(Bytes(first)).User);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("p=tls-unique,,n=user,r=x", "channel binding")]
    [InlineData("n,a=admin,n=user,r=x", "authorization identity")]
    [InlineData("n,,", "n=<user>")]
    [InlineData("n,,n=user", "n=<user>")]
    [InlineData("n,,r=x,n=user", "n=<user>")]
    [InlineData("n,,n=,r=x", "user name is empty")]
    [InlineData("n,,n=user,r=", "nonce is empty")]
    [InlineData("n,,n=us=er,r=x", "'='")]
    [InlineData("n,,n=user,r=x,m=ext", "mandatory extension")]
    [InlineData("n", "GS2 header")]
    [InlineData("n,", "second ','")]
    public void Malformed_client_first_messages_are_refused_naming_the_problem(string first, string problem)
    {
        var refusal = Assert.Throws<ReplicaException>(() => ScramClientFirst.Parse(Bytes(first)));

        Assert.Equal(ErrorCode.AuthenticationFailed, refusal.Code);
        Assert.Contains(problem, refusal.Message);
    }

    [Theory]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "no proof")]
    [InlineData("c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "channel binding")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "nonce")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=not*base64", "base64")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA", "bytes")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "c=<binding>")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=eHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "Authentication failed.")]
    public void Malformed_or_wrong_client_final_messages_are_refused(string final, string problem)
    {
        var refusal = Assert.Throws<ReplicaException>(() => Rfc7677Conversation().Finish(Bytes(final)));

        Assert.Equal(ErrorCode.AuthenticationFailed, refusal.Code);
        Assert.Contains(problem, refusal.Message);
    }

    [Fact]
    public void Truncated_and_random_payloads_never_authenticate_and_only_ever_refuse()
    {
        var random = new Random(7677);
        var final = Bytes(ClientFinal);
        for (var length = 0; length < final.Length; length++)
            Assert.Throws<ReplicaException>(() => Rfc7677Conversation().Finish(final[..length]));
        var first = Bytes(ClientFirst);
        for (var length = 0; length < first.Length - 1; length++)
            Refuses(() => new ScramConversation(ScramClientFirst.Parse(first[..length]), Pencil, ServerNonce).Finish(final));
        for (var i = 0; i < 2000; i++)
        {
            var mutated = (byte[])final.Clone();
            var flips = 1 + random.Next(3);
            for (var f = 0; f < flips; f++) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            if (mutated.SequenceEqual(final)) continue;
            Assert.Throws<ReplicaException>(() => Rfc7677Conversation().Finish(mutated));
            var noise = new byte[random.Next(200)];
            random.NextBytes(noise);
            Refuses(() => new ScramConversation(ScramClientFirst.Parse(noise), Pencil, ServerNonce).Finish(noise));
        }
    }

    /// <summary>The step fails, and with the authentication refusal, never another exception.</summary>
    private static void Refuses(Action step) => Assert.Throws<ReplicaException>(step);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("tab\there", "control character (U+0009) at position 3")]
    [InlineData("caf\u00e9", "non-ASCII character (U+00E9) at position 3")]
    public void SASLprep_refuses_what_it_does_not_take_naming_the_character(string password, string problem) =>
        Assert.Contains(problem, Assert.Throws<ArgumentException>(() => SaslPrep.Password(password)).Message);

    [Fact]
    public void SASLprep_leaves_printable_ASCII_as_it_is() => Assert.Equal(" !~pass word", SaslPrep.Password(" !~pass word"));

    [Fact]
    public void Fewer_iterations_than_drivers_accept_are_refused() =>
        Assert.Contains("4096", Assert.Throws<ArgumentException>(() => ScramCredential.Create("pencil", 4095)).Message);

    /// <summary>The client side of RFC 5802 §3, written from the RFC apart from the server's code.</summary>
    private static class Client
    {
        public static (string Final, string ServerSignature) Final(string password, string clientFirst, string serverFirst)
        {
            var fields = serverFirst.Split(',').ToDictionary(f => f[..1], f => f[2..]);
            var salted = Rfc2898DeriveBytes.Pbkdf2(Bytes(password), Convert.FromBase64String(fields["s"]), int.Parse(fields["i"]), HashAlgorithmName.SHA256, 32);
            var clientKey = HMACSHA256.HashData(salted, Bytes("Client Key"));
            var withoutProof = $"c=biws,r={fields["r"]}";
            var authMessage = Bytes($"{clientFirst[3..]},{serverFirst},{withoutProof}");
            var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
            var proof = clientKey.Zip(signature, (k, s) => (byte)(k ^ s)).ToArray();
            var serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, Bytes("Server Key")), authMessage);
            return ($"{withoutProof},p={Convert.ToBase64String(proof)}", Convert.ToBase64String(serverSignature));
        }
    }
}
