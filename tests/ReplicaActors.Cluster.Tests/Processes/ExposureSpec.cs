namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>
/// A member process asked to bind an address other than loopback without authentication refuses, naming the flags;
/// with --noauth it goes on to bind. 10.255.255.1 is on no interface here, so the run that goes on stops at the bind,
/// naming the address, and nothing is ever exposed.
/// </summary>
[Collection("cluster")]
public sealed class ExposureSpec : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string Unassigned = "10.255.255.1";
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), "ra-exposure-" + Guid.NewGuid().ToString("N"));
    private MemberProcess? _member;

    [Fact]
    public async Task Without_authentication_the_member_refuses_to_start_naming_the_flags()
    {
        _member = new MemberProcess("rs0", MemberProcess.FreePort(), _dbPath, "--bind_ip", Unassigned);
        _member.Start();

        Assert.Equal(2, await _member.ExitCodeAsync(Deadline));
        Assert.Contains($"cannot start member: refusing to bind {Unassigned} (--bind_ip)", _member.Errors);
        Assert.Contains("--noauth", _member.Errors);
        Assert.False(Directory.Exists(_dbPath), "a refused member opens no files");
    }

    [Fact]
    public async Task Noauth_lets_it_go_on_to_bind()
    {
        _member = new MemberProcess("rs0", MemberProcess.FreePort(), _dbPath, "--bind_ip", Unassigned, "--noauth");
        _member.Start();

        Assert.Equal(2, await _member.ExitCodeAsync(Deadline));
        Assert.DoesNotContain("refusing to bind", _member.Errors);
        Assert.Contains($"cannot start member: cannot listen for Akka remoting on {Unassigned}:", _member.Errors);
    }

    public void Dispose()
    {
        _member?.Dispose();
        if (Directory.Exists(_dbPath)) Directory.Delete(_dbPath, recursive: true);
    }
}
