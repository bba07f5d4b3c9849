using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;
using ReplicaActors.Client;

// Piped output has no terminal to measure: wide enough that tables are not folded into slivers.
const int RedirectedWidth = 200;

return await Rsctl.RunAsync(args, CreateTransport, new CliOutput(Console.Out, Console.Error, Console.IsOutputRedirected ? RedirectedWidth : null));

// The one place the real transport is chosen (with the TLS settings the line gave); everything else takes an ICommandTransport.
static ICommandTransport CreateTransport(Akka.Configuration.Config? settings) => new AkkaCommandTransport(clientOverrides: settings);
