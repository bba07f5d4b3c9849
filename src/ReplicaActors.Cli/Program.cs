using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

return await Rsctl.RunAsync(args, CreateTransport, new CliOutput(Console.Out, Console.Error));

// The one place the real transport is chosen; everything else takes an ICommandTransport.
static ICommandTransport CreateTransport() => new AkkaCommandTransport();
