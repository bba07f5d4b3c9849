using Akka.Actor;
using Akka.Serialization;

namespace ReplicaActors.Serialization;

/// <summary>
/// Stands in, under its name and identifier, for an Akka serializer that turns bytes from the network into whatever
/// .NET type the sender names (Newtonsoft JSON with type names, protobuf by type name, remote deployment by actor
/// type). A message claiming that identifier is refused before any type is looked up; nothing is sent with it either,
/// so a message type without a ReplicaActors binding fails where it is sent instead of travelling as JSON.
/// </summary>
public sealed class RefusedSerializer : SerializerWithStringManifest
{
    private readonly int _identifier;
    private readonly string _name;

    /// <param name="config">This serializer's <c>akka.actor.serialization-settings</c> entry: <c>identifier</c>, the one it takes over, and <c>replaces</c>, its class (for errors).</param>
    public RefusedSerializer(ExtendedActorSystem system, Akka.Configuration.Config config) : base(system)
    {
        _identifier = config.GetInt("identifier");
        if (_identifier == 0)
            throw new Akka.Configuration.ConfigurationException("a RefusedSerializer needs 'identifier' in its akka.actor.serialization-settings entry: the Akka serializer id it takes the place of");
        _name = config.GetString("replaces", "Akka serializer " + _identifier);
    }

    public override int Identifier => _identifier;

    public override string Manifest(object o) => throw Refused(o.GetType().FullName ?? o.GetType().Name);

    public override byte[] ToBinary(object obj) => throw Refused(obj.GetType().FullName ?? obj.GetType().Name);

    public override object FromBinary(byte[] bytes, string manifest) =>
        throw new System.Runtime.Serialization.SerializationException(
            $"refused a message for serializer {_identifier} ({_name}, manifest '{manifest}'): only the member protocol's serializer and Akka's own system messages are accepted from the network");

    private System.Runtime.Serialization.SerializationException Refused(string type) =>
        new($"{type} has no ReplicaActors serializer binding and {_name} (id {_identifier}) is off: only member-protocol messages travel between members");
}
