using Akka.Configuration;

namespace ReplicaActors.Protocol;

/// <summary>
/// The assembly's reference.conf: every default a member reads, and the binding of the protocol's messages to their
/// serializer, which members and clients alike need to understand each other.
/// </summary>
public static class ReferenceConfig
{
    private static readonly Lazy<Akka.Configuration.Config> Reference = new(() =>
    {
        using var stream = typeof(ReferenceConfig).Assembly.GetManifestResourceStream("ReplicaActors.reference.conf")
            ?? throw new InvalidOperationException("the embedded reference.conf is missing from the ReplicaActors assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Akka.Configuration.Config Value => Reference.Value;
}
