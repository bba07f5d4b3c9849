using Akka.Actor;
using Akka.Configuration;

namespace ReplicaActors.Serialization;

/// <summary>What the accept-list serializers read from their <c>akka.actor.serialization-settings</c> entry.</summary>
internal static class WrappedSerializer
{
    /// <summary>
    /// The serializer named by <c>inner</c> (created as Akka creates it) and the <c>identifier</c> the wrapper serves
    /// under: given in the config, since Akka.Remote's identifiers are not in the config of a system without remoting.
    /// </summary>
    public static (T Inner, int Identifier) Load<T>(ExtendedActorSystem system, Akka.Configuration.Config config, string wrapper) where T : Akka.Serialization.Serializer
    {
        var innerName = config.GetString("inner");
        var innerType = Type.GetType(innerName ?? "") ?? throw new ConfigurationException($"{wrapper}: 'inner' names no type: '{innerName}'");
        var inner = Activator.CreateInstance(innerType, system) as T
            ?? throw new ConfigurationException($"{wrapper}: 'inner' ({innerName}) is not a {typeof(T).Name}");
        var identifier = config.GetInt("identifier");
        if (identifier == 0) throw new ConfigurationException($"{wrapper} for {innerName} needs 'identifier', the wrapped serializer's id");
        return (inner, identifier);
    }
}
