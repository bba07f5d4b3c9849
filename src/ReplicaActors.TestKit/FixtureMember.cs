using Akka.Actor;
using ReplicaActors.Server;

namespace ReplicaActors.TestKit;

/// <summary>One member of a <see cref="ReplicaSetFixture"/>: a fixed host and folder, and the MemberHost running there now (if any).</summary>
public sealed class FixtureMember
{
    private MemberHost? _host;

    internal FixtureMember(int index, bool isArbiter, string dbPath)
    {
        Index = index;
        IsArbiter = isArbiter;
        DbPath = dbPath;
    }

    /// <summary>Position in the fixture, and the member's <c>_id</c> in the replica-set config.</summary>
    public int Index { get; }

    public bool IsArbiter { get; }

    /// <summary>The member's own folder; it outlives restarts and is deleted with the fixture.</summary>
    public string DbPath { get; }

    /// <summary>The wire port the first start was given; restarts bind it again.</summary>
    public int Port { get; private set; }

    /// <summary>The member's Akka remoting port, derived from <see cref="Port"/>.</summary>
    public int RemotingPort { get; private set; }

    /// <summary>The member's replica-set host (<c>127.0.0.1:port</c>): its MongoDB wire address.</summary>
    public string Host { get; private set; } = "";

    public bool IsRunning => _host is not null;

    public MemberHost MemberHost => _host ?? throw new InvalidOperationException($"member {this} is not running: restart it first");

    public ActorSystem System => MemberHost.System;

    /// <summary>The Akka address of the member's system (its protocol is the throttler's, <c>akka.trttl.tcp</c>).</summary>
    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;

    internal void Started(MemberHost host)
    {
        _host = host;
        Port = host.Settings.Port;
        RemotingPort = host.Settings.RemotingPort;
        Host = host.Settings.Host;
    }

    /// <summary>Forgets the running host and hands it over, so a kill never leaves a half-stopped member looking alive.</summary>
    internal MemberHost Stopped()
    {
        var host = MemberHost;
        _host = null;
        return host;
    }

    public override string ToString() => $"#{Index} {Host}{(IsArbiter ? " (arbiter)" : "")}";
}
