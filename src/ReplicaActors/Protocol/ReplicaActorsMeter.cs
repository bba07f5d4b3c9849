namespace ReplicaActors.Protocol;

/// <summary>The name of the <c>System.Diagnostics.Metrics</c> meter every member publishes on, for an app's OpenTelemetry setup (<c>AddMeter(ReplicaActorsMeter.Name)</c>).</summary>
public static class ReplicaActorsMeter
{
    public const string Name = "ReplicaActors";
}
