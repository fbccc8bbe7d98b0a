using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Oracles;
using static NbaSim.Observability.Tests.MonitoringAsCode.CliTests;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// Hostile inputs to <c>nbaobs</c> (issue 21, items 5–14, and what was already handled well): each input has a limit, each
/// refusal names the file, line or option and exits 2 with nothing published, and each exit code says where the datums are.
/// Inputs that could crash or exhaust a process run in a separate one with a 256 MB heap.
/// </summary>
public sealed partial class CliInputAttackTests(MotoServer moto) : IDisposable
{
    private const string Dead = "http://127.0.0.1:9";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbaobs-attack-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Config(object section) => Write($"config-{Guid.NewGuid():N}.json", JsonSerializer.Serialize(new { NbaObservability = section }));

    private string EmfConfig() => Config(new { Exporter = "Emf", Emf = new { Path = Path.Combine(_dir.FullName, "out.emf") }, Dims = new { StatePath = Path.Combine(_dir.FullName, "dims-state.json") } });

    private static string Dims(double objects) => $"""
        s3_storage:
          total_objects: {objects}
          total_size_gb: 1.5
        code_base:
          python_files: 10
          test_files: 5
        """;

    // ---- 5. Deep YAML ----

    [Theory]
    [InlineData("sequence")]
    [InlineData("mapping")]
    public async Task Deep_yaml_is_refused_with_its_file_and_line_not_a_stack_overflow(string shape)
    {
        var body = shape == "sequence" ? new string('[', 30_000) + new string(']', 30_000) : string.Concat(Enumerable.Repeat("{a: ", 30_000)) + new string('}', 30_000);
        var file = Write("deep.yaml", "x: " + body + "\n");

        var (code, _, stderr, _) = await NbaobsProcess.RunAsync(null, "publish", "dims", "--file", file, "--endpoint-url", Dead);

        code.Should().Be(2, stderr);
        stderr.Trim().Should().StartWith($"nbaobs: {file}:1: (document): nested deeper than 64 levels").And.NotContain("\n", "one line, no stack");
    }

    // ---- 6. Unbounded file input ----

    [Theory]
    [InlineData("dims")]
    [InlineData("config")]
    [InlineData("emf")]
    [InlineData("junit")]
    [InlineData("trx")]
    public async Task A_device_or_an_oversized_file_is_read_only_up_to_its_limit(string input)
    {
        string[] args;
        string expected;
        switch (input)
        {
            case "dims":
                args = ["publish", "dims", "--file", "/dev/zero", "--endpoint-url", Dead];
                expected = "/dev/zero:0: (file): is larger than the limit of 1 MiB for a DIMS metrics file.";
                break;
            case "config":
                args = ["publish", "quality", "--passed", "1", "--total", "2", "--config", "/dev/zero", "--endpoint-url", Dead];
                expected = "--config /dev/zero is larger than the limit of 1 MiB for this input.";
                break;
            case "emf":
                args = ["dashboards", "preview", "--emf", "/dev/zero", "--out", Path.Combine(_dir.FullName, "p.html")];
                expected = "--emf /dev/zero line 1 is longer than 1,000,000 characters";
                break;
            case "junit":
                // One 129 MiB attribute: the XML reader holds a whole tag, so it took several times its size (896 MB RSS for 200 MB).
                var big = Path.Combine(_dir.FullName, "big.xml");
                using (var file = File.Create(big))
                {
                    file.Write("<testsuites>\n<testsuite name=\""u8);
                    var chunk = Encoding.ASCII.GetBytes(new string('a', 1024 * 1024) + ">");
                    for (var i = 0; i < 129; i++)
                    {
                        file.Write(chunk);
                    }

                    file.Write("\"/>\n</testsuites>"u8);
                }

                args = ["publish", "tests", "--junit", big, "--endpoint-url", Dead];
                expected = $"{big}:2: a tag, comment or CDATA section is longer than 16,777,216 characters, the limit for one XML item.";
                break;
            default:
                // 129 MiB of small, valid results: past the size limit, however it is shaped.
                var many = Path.Combine(_dir.FullName, "many.trx");
                using (var file = File.Create(many))
                {
                    file.Write("<TestRun name=\"r\"><Results>"u8);
                    var result = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<UnitTestResult outcome=\"Passed\" duration=\"00:00:00.001\"/>", 16 * 1024)));
                    for (long written = 0; written < 129L * 1024 * 1024; written += result.Length)
                    {
                        file.Write(result);
                    }

                    file.Write("</Results></TestRun>"u8);
                }

                args = ["publish", "tests", "--trx", many, "--endpoint-url", Dead];
                expected = $"--trx {many} is larger than the limit of 128 MiB for this input.";
                break;
        }

        var (code, _, stderr, elapsed) = await NbaobsProcess.RunAsync(null, args);

        code.Should().Be(2, stderr);
        stderr.Should().Contain(expected);
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "the limit is reached without reading the rest");
    }

    // ---- 7. DIMS drift survives a failed delivery ----

    [Fact]
    public async Task Dims_drift_is_published_by_the_run_after_a_failed_delivery()
    {
        var url = await moto.UrlAsync();
        var config = Config(new { ShutdownTimeout = "00:00:02", Dims = new { StatePath = Path.Combine(_dir.FullName, "state.json") } });

        var first = await RunAsync("publish", "dims", "--file", Write("m1.yaml", Dims(1000)), "--config", config, "--endpoint-url", url);
        var failed = await RunAsync("publish", "dims", "--file", Write("m2.yaml", Dims(5000)), "--config", config, "--endpoint-url", Dead);
        var again = await RunAsync("publish", "dims", "--file", Write("m3.yaml", Dims(5000)), "--config", config, "--endpoint-url", url);

        first.Code.Should().Be(0, first.Stderr);
        failed.Code.Should().Be(1, "nothing was delivered and there is no spool");
        failed.Stderr.Should().Contain("not delivered to http://127.0.0.1:9").And.Contain("run the command again");
        again.Code.Should().Be(0, again.Stderr);
        again.Stdout.Should().Contain("DIMS_S3Objects = 5000 (drift from 1000)", "the failed run did not move the baseline");
    }

    // ---- 8. All or nothing ----

    [Fact]
    public async Task A_report_with_one_value_beyond_cloudwatchs_range_publishes_nothing()
    {
        var requests = 0;
        await using var server = new RawHttpServer(async (stream, ct) => await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), ct), _ => Interlocked.Increment(ref requests));
        var report = Write("range.xml", """
            <testsuites>
              <testsuite name="s">
                <testcase name="a" time="0.5"/>
                <testcase name="b" time="1e300"/>
              </testsuite>
            </testsuites>
            """);

        var (code, _, stderr) = await RunAsync("publish", "tests", "--junit", report, "--endpoint-url", server.Url);

        code.Should().Be(2, stderr);
        stderr.Should().Contain($"{report}:4: time=\"1e300\" is beyond CloudWatch's range of ±2^360; nothing was published.");
        requests.Should().Be(0, "the report is validated whole before anything is sent");
    }

    // ---- 9. Wrong durations ----

    [Theory]
    [InlineData("trx", "<TestRun name=\"r\">\n<Times start=\"2026-01-02T10:00:00Z\" finish=\"2026-01-01T10:00:00Z\"/>\n</TestRun>", 2, "finish=\"2026-01-01T10:00:00Z\" is before start=\"2026-01-02T10:00:00Z\"")]
    [InlineData("trx", "<TestRun name=\"r\">\n<Results>\n<UnitTestResult outcome=\"Passed\" duration=\"-00:00:05\"/>\n</Results>\n</TestRun>", 3, "duration=\"-00:00:05\" is not a time span of 0 or more")]
    [InlineData("junit", "<testsuites>\n<testsuite name=\"s\">\n<testcase name=\"a\" time=\"0,123\"/>\n</testsuite>\n</testsuites>", 3, "time=\"0,123\" is not a number of seconds of 0 or more, written with a decimal point")]
    [InlineData("junit", "<testsuites>\n<testsuite name=\"s\" time=\"-1\">\n</testsuite>\n</testsuites>", 2, "time=\"-1\" is not a number of seconds")]
    public async Task A_wrong_duration_is_refused_with_its_file_and_line(string kind, string content, int line, string problem)
    {
        var report = Write("wrong." + kind, content);

        var (code, _, stderr) = await RunAsync("publish", "tests", "--" + kind, report, "--endpoint-url", Dead);

        code.Should().Be(2, stderr);
        stderr.Should().Contain($"{report}:{line}: {problem}");
    }

    // ---- 10, 11. Spool: kept is not delivered; quarantined junk is reported apart ----

    [Fact]
    public async Task With_a_spool_an_unreachable_endpoint_means_kept_not_published_and_the_next_run_delivers_it()
    {
        var url = await moto.UrlAsync();
        var spool = Path.Combine(_dir.FullName, "spool");
        var config = Config(new { ShutdownTimeout = "00:00:02", Spool = new { Directory = spool } });
        var pipeline = $"spool-{Guid.NewGuid():N}"[..18];
        var started = DateTimeOffset.UtcNow;

        var kept = await RunAsync("publish", "pipeline", "--pipeline", pipeline, "--duration", "7", "--status", "success", "--config", config, "--endpoint-url", Dead);
        var next = await RunAsync("publish", "pipeline", "--pipeline", pipeline, "--duration", "9", "--status", "success", "--config", config, "--endpoint-url", url);

        kept.Code.Should().Be(3, kept.Stderr);
        kept.Stdout.Should().Contain("kept in the spool, not delivered").And.NotContain(" published");
        kept.Stderr.Should().Contain($"kept in the spool ({spool}), not delivered to http://127.0.0.1:9").And.Contain("do not publish the same data again");
        next.Code.Should().Be(0, next.Stderr);
        var stats = await AwsCli.StatisticsAsync(url, "NBA-Simulator/CICD", "PipelineDuration", started, ("Pipeline", pipeline), ("Status", "success"));
        stats.SampleCount.Should().Be(2, "the kept datum went with the next run's");
        stats.Sum.Should().Be(16);
    }

    [Fact]
    public async Task Junk_in_the_spool_is_reported_apart_from_the_commands_own_datums()
    {
        var url = await moto.UrlAsync();
        var spool = Directory.CreateDirectory(Path.Combine(_dir.FullName, "spool")).FullName;
        File.WriteAllText(Path.Combine(spool, "00000000000000000001-0000001-00000001-000002.spool"), "junk");
        File.WriteAllText(Path.Combine(spool, "00000000000000000002-0000001-00000002-000003.spool"), "NBASPOOL1 00 4\njunk");
        var config = Config(new { ShutdownTimeout = "00:00:20", Spool = new { Directory = spool } });

        var (code, stdout, stderr) = await RunAsync("publish", "pipeline", "--pipeline", "junk", "--duration", "1", "--status", "success", "--config", config, "--endpoint-url", url);

        code.Should().Be(0, stderr);
        stdout.Should().Contain("published");
        stderr.Should().Contain($"note: 2 unreadable file(s) of earlier runs were moved from the spool to {Path.Combine(spool, "quarantine")}; this command's datums are not among them.")
            .And.NotContain("not delivered").And.NotContain("unknown error");
        Directory.GetFiles(Path.Combine(spool, "quarantine")).Should().HaveCount(2);
    }

    // ---- 12. time within its timeout ----

    [Fact]
    public async Task Time_stops_within_its_publish_timeout_against_a_hanging_endpoint_and_says_why()
    {
        await using var server = new RawHttpServer(async (_, ct) => await Task.Delay(Timeout.Infinite, ct));
        var watch = Stopwatch.StartNew();

        var (code, _, stderr) = await RunAsync("time", "--operation", "Hang", "--publish-timeout", "00:00:06", "--endpoint-url", server.Url, "--", "true");

        code.Should().Be(0, "the command's exit code");
        // 6 s, plus the process's start-up on a busy 2-core machine; two deadlines in a row took 12 s and more.
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6 + 5), "flush and stop share one deadline (it took twice the timeout)");
        stderr.Should().Contain("HangDuration was not published to").And.Contain("no answer within --publish-timeout 00:00:06").And.Contain("(the command's exit code 0 is kept)")
            .And.NotContain("A task was canceled");
    }

    // ---- 13. One exit-code rule, and messages that say what to fix ----

    public static TheoryData<string, string[], string> BadInputs()
    {
        var dir = Path.GetTempPath();
        return new()
        {
            { "empty report path", ["publish", "tests", "--junit", ""], "--junit is empty; pass the report" },
            { "config value of the wrong type", ["publish", "quality", "--passed", "1", "--total", "2", "--config", "{wrongtype}"], "NbaObservability:ShutdownTimeout is 'abc'; expected a time span as [d.]hh:mm:ss[.fff], e.g. 00:01:00 for one minute." },
            { "malformed config", ["publish", "quality", "--passed", "1", "--total", "2", "--config", "{malformed}"], "is not valid JSON" },
            { "malformed DIMS", ["publish", "dims", "--file", "{dims}"], ":2: (document): not valid YAML" },
            { "truncated report", ["publish", "tests", "--junit", "{truncated}"], "(the file is truncated); nothing was published." },
            { "directory as a file", ["publish", "dims", "--file", dir], " is a directory; pass the DIMS metrics file" },
            { "directory as the HTML file", ["dashboards", "preview", "--emf", "{emf}", "--out", dir], " is a directory; pass the HTML file to write" },
            { "file as the export directory", ["dashboards", "export", "--out", "{emf}"], " is a file; pass a directory" },
            { "DTD", ["publish", "tests", "--junit", "{dtd}"], ":2: a DTD (<!DOCTYPE …>) is not allowed in a test report" },
            { "passed above total", ["publish", "quality", "--passed", "5", "--total", "3"], "--passed 5 and --total 3: 0 ≤ --passed ≤ --total is required." },
            { "missing file", ["publish", "tests", "--trx", "/nonexistent/r.trx"], "--trx /nonexistent/r.trx does not exist" },
            { "unknown option", ["publish", "quality", "--passd", "1"], "Unrecognized command or argument '--passd'" },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_exits_2_with_one_line_that_says_what_to_fix(string name, string[] args, string expected)
    {
        var files = new Dictionary<string, string>
        {
            ["{wrongtype}"] = Config(new { ShutdownTimeout = "abc" }),
            ["{malformed}"] = Write("malformed.json", "{ \"NbaObservability\": "),
            ["{dims}"] = Write("bad.yaml", "x: [1\n"),
            ["{truncated}"] = Write("truncated.xml", "<testsuites><testsuite name=\"s\"><testcase name=\"a\""),
            ["{emf}"] = Write("empty.emf", string.Empty),
            ["{dtd}"] = Write("dtd.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<testsuites/>"),
        };
        var resolved = args.Select(a => files.GetValueOrDefault(a, a)).Append("--endpoint-url").Append(Dead).ToArray();

        var (code, stdout, stderr) = await RunAsync(resolved);

        code.Should().Be(2, $"{name}: {stderr}");
        stderr.Should().Contain(expected, name);
        (stdout + stderr).Should().NotContainAny(["(Parameter '", "Actual value was", "XmlReaderSettings", "Access to the path", "unknown error", "   at "]);
    }

    // ---- 14. One JSON convention ----

    [Fact]
    public async Task Every_json_output_uses_camel_case_keys()
    {
        var config = EmfConfig();
        var junit = Write("ok.xml", "<testsuites><testsuite name=\"s\"><testcase name=\"a\" time=\"0.1\"/></testsuite></testsuites>");
        string[][] commands =
        [
            ["publish", "quality", "--passed", "1", "--total", "2"],
            ["publish", "pipeline", "--pipeline", "p", "--duration", "1", "--status", "success"],
            ["publish", "tests", "--junit", junit],
            ["publish", "dims", "--file", Write("m.yaml", Dims(10))],
            ["dashboards", "preview", "--emf", Write("e.emf", string.Empty), "--out", Path.Combine(_dir.FullName, "p.html")],
        ];

        foreach (var command in commands)
        {
            var (code, stdout, stderr) = await RunAsync([.. command, "--config", config, "--output", "json"]);
            code.Should().Be(0, stderr);
            using var json = JsonDocument.Parse(stdout);
            Keys(json.RootElement).Should().NotBeEmpty().And.OnlyContain(k => CamelCase().IsMatch(k), string.Join(' ', command));
        }
    }

    private static IEnumerable<string> Keys(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Keys(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Keys),
        _ => [],
    };

    [GeneratedRegex("^[a-z][A-Za-z0-9]*$")]
    private static partial Regex CamelCase();

    // ---- Found by the attack on this work (each failed before its fix) ----

    [Fact]
    public async Task A_utf16_report_with_an_apostrophe_in_a_comment_and_a_large_text_node_is_read()
    {
        var url = await moto.UrlAsync();
        var doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<testsuites><!-- don't panic --><testsuite name=\"s\" time=\"1\">"
            + "<testcase name=\"a\" time=\"0.1\"><system-out>" + new string('x', 17 * 1024 * 1024) + "</system-out></testcase></testsuite></testsuites>\n";
        var file = Path.Combine(_dir.FullName, "utf16.xml");
        await File.WriteAllBytesAsync(file, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(doc)], TestContext.Current.CancellationToken);

        var (code, stdout, stderr, _) = await NbaobsProcess.RunAsync(null, "publish", "tests", "--junit", file, "--endpoint-url", url);

        code.Should().Be(0, "the same report in UTF-8 is read; " + stderr);
        stdout.Should().Contain("1 passed, 0 failed, 0 skipped");
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-8")]
    public async Task A_huge_attribute_is_refused_in_any_encoding_even_past_a_multibyte_quote(string encoding)
    {
        // U+2022 is the bytes 22 20 in UTF-16: a byte-level guard took it for a closing quote, then '>' for the tag's end.
        var doc = "<testsuites><testsuite name=\"s\" time=\"1\"><testcase name=\"\u2022 > " + new string('a', 40 * 1024 * 1024) + "\" time=\"0.1\"/></testsuite></testsuites>\n";
        var file = Path.Combine(_dir.FullName, "attr.xml");
        var text = encoding == "utf-16" ? Encoding.Unicode : new UTF8Encoding(false);
        await File.WriteAllBytesAsync(file, [.. text.GetPreamble(), .. text.GetBytes(doc)], TestContext.Current.CancellationToken);

        var (code, _, stderr, _) = await NbaobsProcess.RunAsync(null, "publish", "tests", "--junit", file, "--endpoint-url", Dead);

        code.Should().Be(2, stderr);
        stderr.Should().Contain($"{file}:1: a tag, comment or CDATA section is longer than 16,777,216 characters");
    }

    [Fact]
    public async Task A_comment_written_as_an_empty_one_does_not_end_the_guard()
    {
        // "<!-->" does not close a comment: it runs to the next "-->".
        var file = Write("comment.xml", "<testsuites><!-->" + new string('c', 17 * 1024 * 1024) + "--><testsuite name=\"s\"/></testsuites>");

        var (code, _, stderr, _) = await NbaobsProcess.RunAsync(null, "publish", "tests", "--junit", file, "--endpoint-url", Dead);

        code.Should().Be(2, stderr);
        stderr.Should().Contain("longer than 16,777,216 characters");
    }

    [Fact]
    public async Task Every_publishing_command_says_in_json_whether_it_was_delivered()
    {
        var config = Config(new { ShutdownTimeout = "00:00:02", Dims = new { StatePath = Path.Combine(_dir.FullName, "state.json") } });

        var (code, stdout, stderr) = await RunAsync("publish", "dims", "--file", Write("m.yaml", Dims(10)), "--config", config, "--endpoint-url", Dead, "--output", "json");
        var text = await RunAsync("publish", "dims", "--file", Write("m2.yaml", Dims(10)), "--config", config, "--endpoint-url", Dead);

        code.Should().Be(1, stderr);
        using var json = JsonDocument.Parse(stdout);
        json.RootElement.GetProperty("delivered").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("values").GetArrayLength().Should().Be(4);
        text.Stdout.Should().Contain("DIMS: not delivered");
    }

    [Fact]
    public async Task A_spool_directory_that_cannot_be_one_is_a_configuration_error_naming_the_option()
    {
        var file = Write("not-a-directory", "x");

        var asFile = await RunAsync("publish", "quality", "--passed", "1", "--total", "2", "--config", Config(new { Spool = new { Directory = file } }), "--endpoint-url", Dead);
        var impossible = await RunAsync("publish", "quality", "--passed", "1", "--total", "2", "--config", Config(new { Spool = new { Directory = "/proc/nope" } }), "--endpoint-url", Dead);

        asFile.Code.Should().Be(2, asFile.Stderr);
        asFile.Stderr.Should().Contain($"Spool:Directory is {file}, which is a file; it must be a directory").And.NotContain("already exists");
        impossible.Code.Should().Be(2, impossible.Stderr);
        impossible.Stderr.Should().Contain("NbaObservability:Spool:Directory /proc/nope cannot be used as the spool directory");
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_dtd_report_from_a_named_pipe_is_refused_without_hanging()
    {
        var fifo = Path.Combine(_dir.FullName, "report.xml");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var run = NbaobsProcess.RunAsync(null, "publish", "tests", "--junit", fifo, "--endpoint-url", Dead);
        await File.WriteAllTextAsync(fifo, "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<testsuites/>\n", TestContext.Current.CancellationToken);
        var (code, _, stderr, _) = await run;

        code.Should().Be(2, stderr);
        stderr.Should().Contain($"{fifo}:2: a DTD");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task An_emf_line_of_exactly_the_limit_is_read_whatever_its_line_ending(string ending)
    {
        var json = """{"_aws":{"Timestamp":1764680000000,"CloudWatchMetrics":[{"Namespace":"NBA-Simulator/CICD","Dimensions":[["Suite"]],"Metrics":[{"Name":"TestsPassed","Unit":"Count"}]}]},"Suite":"s","TestsPassed":3}""";
        var emf = Write("limit.emf", json + new string(' ', 1_000_000 - json.Length) + ending);

        var (code, _, stderr) = await RunAsync("dashboards", "preview", "--emf", emf, "--out", Path.Combine(_dir.FullName, "p.html"));

        code.Should().Be(0, stderr);
    }

    [Fact]
    public async Task A_dangling_link_an_empty_file_and_an_unreadable_one_are_named_as_such()
    {
        var dangling = Path.Combine(_dir.FullName, "dangling.xml");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir.FullName, "gone.xml"));
        var empty = Write("empty.xml", string.Empty);
        var emptyConfig = Write("empty.json", "  \n");

        var link = await RunAsync("publish", "tests", "--junit", dangling, "--endpoint-url", Dead);
        var report = await RunAsync("publish", "tests", "--junit", empty, "--endpoint-url", Dead);
        var config = await RunAsync("publish", "quality", "--passed", "1", "--total", "2", "--config", emptyConfig, "--endpoint-url", Dead);

        link.Code.Should().Be(2);
        link.Stderr.Should().Contain($"--junit {dangling} is a link to {Path.Combine(_dir.FullName, "gone.xml")}, which does not exist");
        report.Code.Should().Be(2);
        report.Stderr.Should().Contain($"{empty}:1: the file is empty or has no root element");
        config.Code.Should().Be(2);
        config.Stderr.Should().Contain($"--config {emptyConfig} is empty").And.NotContain("LineNumber: 0");
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_file_the_user_cannot_read_is_bad_input_not_a_dotnet_message()
    {
        RequiredTool.Require("setpriv", "Debian's util-linux (apt-get install util-linux)");
        var open = Directory.CreateDirectory(Path.Combine(_dir.FullName, "open"));
        File.SetUnixFileMode(_dir.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(open.FullName, (UnixFileMode)0b111_101_101);
        var file = Path.Combine(open.FullName, "m.yaml");
        File.WriteAllText(file, Dims(1));
        File.SetUnixFileMode(file, UnixFileMode.None);
        var closed = Directory.CreateDirectory(Path.Combine(_dir.FullName, "closed"));
        File.WriteAllText(Path.Combine(closed.FullName, "m.yaml"), Dims(1));
        File.SetUnixFileMode(closed.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var nobody = new Dictionary<string, string> { ["HOME"] = Path.GetTempPath() };

        var denied = await NobodyAsync(nobody, "publish", "dims", "--file", file, "--endpoint-url", Dead);
        var hidden = await NobodyAsync(nobody, "publish", "dims", "--file", Path.Combine(closed.FullName, "m.yaml"), "--endpoint-url", Dead);

        denied.Code.Should().Be(2, denied.Stderr);
        denied.Stderr.Should().Contain($"{file}:0: (file): cannot be read: permission denied.").And.NotContain("Access to the path");
        hidden.Code.Should().Be(2, hidden.Stderr);
        hidden.Stderr.Should().Contain("cannot be read: permission denied on its directory").And.NotContain("does not exist");
    }

    private static Task<(int Code, string Stdout, string Stderr, TimeSpan Elapsed)> NobodyAsync(Dictionary<string, string> environment, params string[] args)
        => NbaobsProcess.RunThroughAsync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], environment, args);

    // ---- Kept: what was already handled well ----

    [Theory]
    [InlineData("junit", "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<testsuites name=\"&x;\"/>")]
    [InlineData("trx", "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<TestRun name=\"&x;\"/>")]
    [InlineData("junit", "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>\n<testsuites name=\"&i;\"/>")]
    public async Task External_entities_and_entity_bombs_are_refused(string kind, string content)
    {
        var report = Write("xxe." + kind, content);

        var (code, stdout, stderr, _) = await NbaobsProcess.RunAsync(null, "publish", "tests", "--" + kind, report, "--endpoint-url", Dead);

        code.Should().Be(2, stderr);
        stderr.Should().Contain($"{report}:2: a DTD");
        (stdout + stderr).Should().NotContain("root:");
    }

    [Fact]
    public async Task A_100000_deep_junit_report_and_a_million_test_cases_are_read()
    {
        var config = EmfConfig();
        var deep = Write("deep.xml", "<testsuites>" + string.Concat(Enumerable.Repeat("<testsuite name=\"s\">", 100_000)) + "<testcase name=\"a\" time=\"0.1\"/>" + string.Concat(Enumerable.Repeat("</testsuite>", 100_000)) + "</testsuites>");
        var many = Path.Combine(_dir.FullName, "many.xml");
        using (var writer = new StreamWriter(many))
        {
            writer.Write("<testsuites><testsuite name=\"many\">");
            for (var i = 0; i < 1_000_000; i++)
            {
                writer.Write(i % 10 == 0 ? "<testcase name=\"t\" time=\"0.002\"><failure/></testcase>" : "<testcase name=\"t\" time=\"0.001\"/>");
            }

            writer.Write("</testsuite></testsuites>");
        }

        var deepRun = await NbaobsProcess.RunAsync(null, "publish", "tests", "--junit", deep, "--config", config);
        var manyRun = await NbaobsProcess.RunAsync(null, "publish", "tests", "--junit", many, "--config", config);

        deepRun.Code.Should().Be(0, deepRun.Stderr);
        deepRun.Stdout.Should().Contain("1 passed, 0 failed, 0 skipped");
        manyRun.Code.Should().Be(0, manyRun.Stderr);
        manyRun.Stdout.Should().Contain("many: 900000 passed, 100000 failed, 0 skipped");
    }

    [Theory]
    [InlineData("lol1: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nlol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nlol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nlol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nlol5: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nlol6: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\nlol7: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nlol8: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\nlol9: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n", "category 's3_storage' is missing")]
    [InlineData("s3_storage: &a\n  total_objects: *a\n", "s3_storage.total_objects: has no numeric value")]
    public async Task Billion_laughs_and_recursive_anchors_in_yaml_are_refused(string content, string expected)
    {
        var file = Write("lol.yaml", content);

        var (code, _, stderr, elapsed) = await NbaobsProcess.RunAsync(null, "publish", "dims", "--file", file, "--endpoint-url", Dead);

        code.Should().Be(2, stderr);
        stderr.Should().Contain(expected);
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Markup_in_a_file_name_does_not_reach_the_preview_as_html()
    {
        var emf = Write("<img src=x onerror=alert(1)>.emf", string.Empty);
        var html = Path.Combine(_dir.FullName, "p.html");

        var (code, _, stderr) = await RunAsync("dashboards", "preview", "--emf", emf, "--out", html);

        code.Should().Be(0, stderr);
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        page.Should().NotContain("<img src=x").And.Contain("&lt;img src=x onerror=alert(1)&gt;.emf");
    }

    [Fact]
    public async Task A_gzip_bomb_answer_is_not_expanded()
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 256; i++)
            {
                gzip.Write(zeros);
            }
        }

        var body = packed.ToArray();
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Encoding: gzip\r\nContent-Length: {body.Length}\r\n\r\n"), ct);
            await stream.WriteAsync(body, ct);
        });
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("AKIAFAKEFAKEFAKEFAKE", "fake-secret"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var call = () => client.PutMetricDataAsync(new PutMetricDataRequest("NBA-Simulator/Attack", [MetricDatum.CreateValue("NBA-Simulator/Attack", "Probe", 1, MetricUnit.Count, DateTimeOffset.UtcNow)]), TestContext.Current.CancellationToken);

        await call.Should().ThrowAsync<Exception>();
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(64L * 1024 * 1024, "256 MB of zeros were never inflated");
    }

    [Fact]
    public async Task Credentials_never_reach_the_output_even_verbose()
    {
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            var body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error></ErrorResponse>"u8.ToArray();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {body.Length}\r\n\r\n"), ct);
            await stream.WriteAsync(body, ct);
        });
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAFAKEFAKEFAKE1234",
            ["AWS_SECRET_ACCESS_KEY"] = "fakeSecretKeyThatMustNeverBePrinted0000",
            ["AWS_SESSION_TOKEN"] = "fakeSessionTokenThatMustNeverBePrinted",
            ["NbaObservability__ShutdownTimeout"] = "00:00:02",
        };

        var (code, stdout, stderr, _) = await NbaobsProcess.RunAsync(environment, "publish", "quality", "--passed", "1", "--total", "2", "--endpoint-url", server.Url, "--verbose");

        code.Should().Be(1, stderr);
        stderr.Should().Contain("not delivered to");
        (stdout + stderr).Should().NotContain("fakeSecretKeyThatMustNeverBePrinted").And.NotContain("fakeSessionTokenThatMustNeverBePrinted");
    }
}
