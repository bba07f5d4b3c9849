using Akka.Actor;
using Akka.Serialization;

namespace ReplicaActors.Serialization;

/// <summary>
/// An Akka serializer, under its own identifier, that reads from the network only the types listed. Akka's
/// system-message serializer also rebuilds exceptions of any type a peer names (in Failed, Create, Recreate and
/// Resume, which only remote deployment and remote supervision send); a member needs only remote death watch's
/// messages from a peer. Sending is the wrapped serializer's, unchanged.
/// </summary>
public sealed class AcceptedTypesSerializer : Serializer
{
    private readonly Serializer _inner;
    private readonly HashSet<Type> _accepted;
    private readonly int _identifier;

    /// <param name="config">
    /// Its <c>akka.actor.serialization-settings</c> entry: <c>inner</c> (a type name), its <c>identifier</c> and
    /// <c>accepted-types</c> (assembly-qualified type names).
    /// </param>
    public AcceptedTypesSerializer(ExtendedActorSystem system, Akka.Configuration.Config config) : base(system)
    {
        (_inner, _identifier) = WrappedSerializer.Load<Serializer>(system, config, nameof(AcceptedTypesSerializer));
        _accepted = config.GetStringList("accepted-types")
            .Select(name => Type.GetType(name) ?? throw new Akka.Configuration.ConfigurationException($"AcceptedTypesSerializer: accepted type '{name}' does not exist"))
            .ToHashSet();
    }

    public override int Identifier => _identifier;

    public override bool IncludeManifest => _inner.IncludeManifest;

    public override byte[] ToBinary(object obj) => _inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type? type) => type is not null && _accepted.Contains(type)
        ? _inner.FromBinary(bytes, type)
        : throw new System.Runtime.Serialization.SerializationException(
            $"refused a message for serializer {Identifier} ({_inner.GetType().Name}) of type '{type?.FullName}': not one a member accepts from the network");
}
