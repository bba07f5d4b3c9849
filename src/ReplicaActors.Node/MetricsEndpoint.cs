using System.Net;
using Akka.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using ReplicaActors.Protocol;

namespace ReplicaActors.Node;

/// <summary>The member process's Prometheus endpoint: the ReplicaActors meter at http://bind-ip:port/metrics.</summary>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly MeterProvider _provider;

    private MetricsEndpoint(MeterProvider provider, string url)
    {
        _provider = provider;
        Url = url;
    }

    public string Url { get; }

    /// <summary>
    /// Starts the endpoint <c>replica-actors.metrics.port</c> asks for, or none for 0. It starts before the member, so a
    /// port that cannot be bound stops the start with a <see cref="ConfigurationException"/> naming it.
    /// </summary>
    public static MetricsEndpoint? Start(Akka.Configuration.Config config)
    {
        var port = config.GetInt("replica-actors.metrics.port");
        if (port == 0) return null;
        if (port is < 0 or > IPEndPoint.MaxPort)
            throw new ConfigurationException($"replica-actors.metrics.port (--metrics-port) must be 1..{IPEndPoint.MaxPort}, or 0 for no endpoint; got {port}");
        var bindIp = config.GetString("replica-actors.member.bind-ip");
        var url = UrlFor(bindIp, port);
        try
        {
            var provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(ReplicaActorsMeter.Name)
                .AddPrometheusHttpListener(o =>
                {
                    o.Host = bindIp;
                    o.Port = port;
                })
                .Build();
            return new MetricsEndpoint(provider, url);
        }
        catch (InvalidOperationException e) when (e.InnerException is HttpListenerException listener)
        {
            throw new ConfigurationException($"cannot serve metrics on {url} (--metrics-port {port}): {listener.Message}");
        }
    }

    public static string UrlFor(string host, int port) => $"http://{host}:{port}/metrics";

    public void Dispose() => _provider.Dispose();
}
