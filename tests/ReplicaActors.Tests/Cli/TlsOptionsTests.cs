using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;
using ReplicaActors.Security;

namespace ReplicaActors.Tests.Cli;

/// <summary>rsctl's TLS flags become the transport's <c>replica-actors.tls</c> settings, both or neither.</summary>
public class TlsOptionsTests
{
    [Fact]
    public async Task Both_files_reach_the_transport_as_absolute_paths_with_TLS_required()
    {
        Akka.Configuration.Config? given = null;
        var output = new CliOutput(new StringWriter(), new StringWriter());

        var exitCode = await Rsctl.RunAsync(["h1", "rs", "hello", "--tlsCertificateKeyFile", "client.pem", "--tlsCAFile", "ca.pem"],
            settings => { given = settings; return new FakeTransport(); }, output);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Equal("requireTLS", given!.GetString("replica-actors.tls.mode"));
        Assert.Equal(Path.GetFullPath("client.pem"), given.GetString("replica-actors.tls.certificate-key-file"));
        Assert.Equal(Path.GetFullPath("ca.pem"), given.GetString("replica-actors.tls.ca-file"));
    }

    [Fact]
    public async Task Without_the_flags_the_transport_keeps_its_defaults()
    {
        var given = Akka.Configuration.Config.Empty;

        await Rsctl.RunAsync(["h1", "rs", "hello"], settings => { given = settings; return new FakeTransport(); },
            new CliOutput(new StringWriter(), new StringWriter()));

        Assert.Null(given);
    }

    [Fact]
    public async Task One_file_without_the_other_is_a_usage_error_that_names_both()
    {
        var run = await RsctlRun.Of(new FakeTransport(), "h1", "rs", "hello", "--tlsCAFile", "ca.pem");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("rsctl: TLS to member remoting needs both --tlsCertificateKeyFile and --tlsCAFile (db watch and metrics need --tlsCAFile alone)", run.Error.Trim());
    }
}

/// <summary>The wire commands (db watch, metrics) show no client certificate: the set's CA alone makes them TLS.</summary>
public class WireTlsOptionsTests
{
    [Theory]
    [InlineData("db", "watch", "shop.items")]
    [InlineData("metrics", "--json", null)]
    public async Task The_CA_alone_is_enough(string palette, string command, string? argument)
    {
        var caFile = Path.Combine(Path.GetTempPath(), "ra-wire-ca-" + Guid.NewGuid().ToString("N") + ".pem");
        using (var ca = SetCertificates.CreateAuthority("rs0", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(1)))
            await File.WriteAllTextAsync(caFile, SetCertificates.CertificatePem(ca));
        try
        {
            // Nobody listens there: the command gets as far as connecting, which a usage error would never reach.
            string[] line = ["127.0.0.1:29650", palette, command, .. argument is null ? Array.Empty<string>() : [argument], "--tlsCAFile", caFile, "--timeout", "1"];
            var run = await RsctlRun.Of(new FakeTransport(), line);

            Assert.Equal(ExitCodes.CommandFailed, run.ExitCode);
            Assert.DoesNotContain("--tlsCertificateKeyFile", run.Error);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task A_key_file_without_the_CA_is_a_usage_error_naming_the_CA()
    {
        var run = await RsctlRun.Of(new FakeTransport(), "h1:1", "db", "watch", "shop.items", "--tlsCertificateKeyFile", "client.pem");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("rsctl: TLS to the wire port needs --tlsCAFile", run.Error.Trim());
    }
}

/// <summary>rsctl's login flags, for the commands that speak the wire protocol: user and password together, or neither.</summary>
public class LoginOptionsTests
{
    [Theory]
    [InlineData("--password", "secret", "rsctl: --password needs --username, the user it belongs to")]
    [InlineData("--username", "root", "rsctl: --username root needs --password")]
    public async Task A_user_without_a_password_or_the_reverse_is_a_usage_error(string flag, string value, string expected)
    {
        var run = await RsctlRun.Of(new FakeTransport(), "h1", "db", "watch", "shop.items", flag, value);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(expected, run.Error.Trim());
    }

    [Fact]
    public void A_login_prints_as_its_user_never_its_password() =>
        Assert.Equal("app@shop", new WireLogin("app", "secret", "shop").ToString());
}
