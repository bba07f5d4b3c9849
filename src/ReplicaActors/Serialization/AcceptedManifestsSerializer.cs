using Akka.Actor;
using Akka.Serialization;

namespace ReplicaActors.Serialization;

/// <summary>
/// An Akka serializer, under its own identifier, that reads from the network only the manifests listed: Akka's misc
/// serializer also rebuilds exceptions of any named type (Status.Failure), router and deployment settings, and
/// PoisonPill/Kill, none of which a member needs from a peer. Sending is the wrapped serializer's, unchanged.
/// </summary>
public sealed class AcceptedManifestsSerializer : SerializerWithStringManifest
{
    private readonly SerializerWithStringManifest _inner;
    private readonly HashSet<string> _accepted;
    private readonly int _identifier;

    /// <param name="config">
    /// Its <c>akka.actor.serialization-settings</c> entry: <c>inner</c> (a type name), its <c>identifier</c> (given here, since
    /// Akka.Remote's identifiers are not in the config of a system without remoting) and <c>accepted-manifests</c>.
    /// </param>
    public AcceptedManifestsSerializer(ExtendedActorSystem system, Akka.Configuration.Config config) : base(system)
    {
        (_inner, _identifier) = WrappedSerializer.Load<SerializerWithStringManifest>(system, config, nameof(AcceptedManifestsSerializer));
        _accepted = [.. config.GetStringList("accepted-manifests")];
    }

    public override int Identifier => _identifier;

    public override string Manifest(object o) => _inner.Manifest(o);

    public override byte[] ToBinary(object obj) => _inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, string manifest) => _accepted.Contains(manifest)
        ? _inner.FromBinary(bytes, manifest)
        : throw new System.Runtime.Serialization.SerializationException(
            $"refused a message for serializer {Identifier} ({_inner.GetType().Name}) with manifest '{manifest}': not one a member accepts from the network");
}
