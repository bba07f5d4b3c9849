namespace ReplicaActors.Protocol;

/// <summary>Marks messages that cross the network between members and clients; bound to the replica serializer.</summary>
public interface IReplicaMessage;
