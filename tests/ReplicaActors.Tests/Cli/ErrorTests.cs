using MongoDB.Bson;
using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Cli;

/// <summary>Every failure ends on stderr with a one-line message and the right exit code, and bad input is never sent.</summary>
public class ErrorTests
{
    [Theory]
    [InlineData("db find shop.orders {qty:", "FILTER is not valid JSON")]
    [InlineData("db find shop.orders [1,2]", "FILTER must be a JSON document")]
    [InlineData("db find shop.orders {} --sort {qty", "--sort is not valid JSON")]
    [InlineData("db find shop.orders {} --projection nope", "--projection is not valid JSON")]
    [InlineData("db count shop.orders {a:1}x", "FILTER is not valid JSON: there are extra characters")]
    [InlineData("db insert shop.orders nope", "DOCUMENTS is not valid JSON")]
    [InlineData("db insert shop.orders @/no/such/file.json", "DOCUMENTS: cannot read /no/such/file.json")]
    [InlineData("db insert shop.orders []", "DOCUMENTS is an empty array")]
    [InlineData("db insert shop.orders [{a:1},2]", "DOCUMENTS element 1 is not a document")]
    [InlineData("db update shop.orders {} {$set:", "UPDATE is not valid JSON")]
    [InlineData("db delete shop.orders {a:ObjectId('zz')}", "FILTER is not valid JSON")]
    [InlineData("db createIndex shop.orders 1", "KEYS must be a JSON document")]
    [InlineData("db find orders", "NS 'orders' is not a namespace")]
    [InlineData("db find sh$op.orders", "invalid database name 'sh$op'")]
    [InlineData("db collections a.b", "invalid database name 'a.b'")]
    [InlineData("db find shop.orders --read-concern eventual", "eventual")]
    [InlineData("db find shop.orders --limit many", "many")]
    [InlineData("db wat shop.orders", "'wat'")]
    [InlineData("nosuch hello", "'nosuch'")]
    [InlineData("rs", "Required command was not provided")]
    [InlineData("rs hello --timeout 0", "--timeout must be a positive number of seconds")]
    [InlineData("db watch sh$op.orders", "invalid database name 'sh$op'")]
    [InlineData("db watch shop.", "NS 'shop.' is not a namespace")]
    [InlineData("db watch shop.orders --fullDocument everything", "everything")]
    [InlineData("db watch shop.orders --startAtOperationTime soon", "--startAtOperationTime 'soon' is not SECONDS[:INCREMENT]")]
    [InlineData("db watch shop.orders --startAtOperationTime 1:2:3", "is not SECONDS[:INCREMENT]")]
    [InlineData("db watch shop.orders --startAtOperationTime {\"t\":1}", "is not a timestamp")]
    [InlineData("db watch shop.orders --resumeAfter {\"_data\":", "--resumeAfter '{\"_data\":' is not valid JSON")]
    [InlineData("db watch shop.orders --resumeAfter [1]", "is not a resume token")]
    [InlineData("db watch shop.orders --startAtOperationTime 1 --resumeAfter 01", "give --startAtOperationTime or --resumeAfter, not both")]
    public async Task Bad_arguments_are_usage_errors_and_nothing_is_sent(string commandLine, string message)
    {
        var transport = new FakeTransport();

        var run = await RsctlRun.Of(transport, ["h1", .. commandLine.Split(' ')]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Equal("", run.Out);
        Assert.Empty(transport.Sent);
    }

    [Fact]
    public async Task Watch_names_a_host_it_cannot_dial_as_a_usage_error()
    {
        var run = await RsctlRun.Of(new FakeTransport(), "h1:27017,h2:port", "db", "watch", "shop.orders");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("host 'h2:port' is not host:port", run.Error);
    }

    [Fact]
    public async Task An_empty_entry_in_the_host_list_is_a_usage_error()
    {
        var run = await RsctlRun.Of(new FakeTransport(), "h1,,h2", "rs", "hello");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("host list 'h1,,h2' has an empty entry", run.Error);
    }

    [Fact]
    public async Task A_missing_config_file_is_a_usage_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rsctl-missing-{Guid.NewGuid():N}.json");

        var run = await RsctlRun.Of(new FakeTransport(), "h1", "rs", "initiate", path);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains($"cannot read config file '{path}'", run.Error);
    }

    [Fact]
    public async Task A_malformed_config_file_is_a_usage_error_naming_the_file_and_the_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rsctl-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{_id: 'rs0', members: [");
        try
        {
            var run = await RsctlRun.Of(new FakeTransport(), "h1", "rs", "initiate", path);

            Assert.Equal(ExitCodes.Usage, run.ExitCode);
            Assert.Contains($"config file '{path}' is not valid JSON: ", run.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_server_error_reply_prints_code_name_and_message()
    {
        var transport = new FakeTransport { Reply = CommandReply.Error(ErrorCode.NotYetInitialized, "no replset config has been received").Body };

        var run = await RsctlRun.Of(transport, "h1", "rs", "status");

        Assert.Equal(ExitCodes.CommandFailed, run.ExitCode);
        Assert.Equal("Error 94 (NotYetInitialized): no replset config has been received", run.Error.Trim());
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_server_error_without_a_code_name_gets_the_known_name()
    {
        var transport = new FakeTransport { Reply = BsonDocument.Parse("{ok: 0, code: 11000, errmsg: 'dup'}") };

        var run = await RsctlRun.Of(transport, "h1", "db", "count", "a.b");

        Assert.Equal("Error 11000 (DuplicateKey): dup", run.Error.Trim());
    }

    [Fact]
    public async Task Write_errors_fail_the_command_after_showing_the_result()
    {
        var transport = new FakeTransport
        {
            Reply = BsonDocument.Parse(
                "{ok: 1, n: 1, writeErrors: [{index: 1, code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000 duplicate key _id: 1'}]}"),
        };

        var run = await RsctlRun.Of(transport, "h1", "db", "insert", "a.b", "[{_id:2},{_id:1}]");

        Assert.Equal(ExitCodes.CommandFailed, run.ExitCode);
        Assert.Contains("inserted 1 document(s)", run.Out);
        Assert.Contains("E11000 duplicate key _id: 1", run.Out);
        Assert.Equal("write error at index 1: Error 11000 (DuplicateKey): E11000 duplicate key _id: 1", run.Error.Trim());
    }

    [Fact]
    public async Task A_write_concern_error_fails_the_command()
    {
        var transport = new FakeTransport
        {
            Reply = BsonDocument.Parse(
                "{ok: 1, n: 1, writeConcernError: {code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out'}}"),
        };

        var run = await RsctlRun.Of(transport, "h1", "db", "delete", "a.b", "{}", "--w", "3", "--wtimeout", "100", "--json");

        Assert.Equal(ExitCodes.CommandFailed, run.ExitCode);
        Assert.Contains("writeConcernError", run.Out);
        Assert.Equal("write concern error: Error 64 (WriteConcernFailed): waiting for replication timed out", run.Error.Trim());
    }

    [Fact]
    public async Task A_transport_that_cannot_be_created_is_a_command_error_without_a_stack_trace()
    {
        var output = new CliOutput(new StringWriter(), new StringWriter());

        var exitCode = await Rsctl.RunAsync(
            ["h1", "rs", "hello"],
            _ => throw new ReplicaException(ErrorCode.HostUnreachable, "no transport"),
            output);

        Assert.Equal(ExitCodes.CommandFailed, exitCode);
        Assert.Equal("Error 6 (HostUnreachable): no transport", output.Error.ToString()!.Trim());
    }
}
