using Xunit.Abstractions;

namespace ReplicaActors.TestKit;

/// <summary>Tags each line with the member it came from; several members share one test output.</summary>
internal sealed class PrefixedOutput(ITestOutputHelper output, string prefix) : ITestOutputHelper
{
    public void WriteLine(string message)
    {
        try
        {
            output.WriteLine(prefix + message);
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test has ended; a member's last log lines may arrive after that.
        }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));
}
