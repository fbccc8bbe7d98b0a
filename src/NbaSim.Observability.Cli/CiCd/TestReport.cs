using System.Xml;

namespace NbaSim.Observability.Cli.CiCd;

/// <summary>What one or more test reports say: counts, the whole run's duration, and every test's duration.</summary>
internal sealed class TestReport
{
    public string? SuiteName { get; set; }

    public long Passed { get; set; }

    /// <summary>Failures plus errors.</summary>
    public long Failed { get; set; }

    public long Skipped { get; set; }

    /// <summary>The whole run, in seconds.</summary>
    public double DurationSeconds { get; set; }

    /// <summary>Per-test durations in seconds (8 bytes a test: the report itself is never held in memory).</summary>
    public List<double> TestSeconds { get; } = [];

    /// <summary>Passed / (passed + failed) × 100; null when nothing passed or failed.</summary>
    public double? PassRatePercent => Passed + Failed == 0 ? null : 100.0 * Passed / (Passed + Failed);

    public void Add(TestReport other)
    {
        SuiteName ??= other.SuiteName;
        Passed += other.Passed;
        Failed += other.Failed;
        Skipped += other.Skipped;
        DurationSeconds += other.DurationSeconds;
        TestSeconds.AddRange(other.TestSeconds);
    }
}

/// <summary>A report that cannot be read: the file, the line and what is wrong.</summary>
internal sealed class TestReportFormatException(string file, int line, string problem, Exception? inner = null)
    : FormatException($"{file}:{line}: {problem}", inner);

/// <summary>
/// Streaming readers (an <see cref="XmlReader"/> over the file: a 50 MB report is never in memory) for JUnit XML as pytest
/// writes it (nested <c>&lt;testsuites&gt;</c>, <c>&lt;failure&gt;</c>, <c>&lt;error&gt;</c>, <c>&lt;skipped&gt;</c>,
/// <c>time</c>) and for TRX as <c>dotnet test --logger trx</c> writes it.
/// </summary>
internal static class TestReportReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        Async = false,
    };

    private const string Hint = "pass the report the test run wrote (pytest --junitxml=FILE, dotnet test --logger trx).";

    public static TestReport ReadJUnit(string path)
        => Read("--junit", path, JUnit);

    public static TestReport ReadTrx(string path)
        => Read("--trx", path, Trx);

    private static TestReport Read(string option, string path, Func<XmlReader, string, TestReport> read)
    {
        path = Input.InputFile.Require(option, path, Hint);

        // Decoded first (UTF-8, or UTF-16/32 with a byte-order mark), so the markup guard sees characters, not bytes.
        using var text = new Input.XmlMarkupGuardReader(
            new StreamReader(Input.InputFile.OpenBounded(option, path, Input.InputFile.MaxReportBytes, Hint), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true),
            Input.InputFile.MaxXmlItemChars,
            path);
        using var reader = XmlReader.Create(text, Settings);
        try
        {
            var report = read(reader, path);
            if (!MetricValidator.IsValidValue(report.DurationSeconds))
            {
                throw new TestReportFormatException(path, 1, $"the run's duration adds up to {report.DurationSeconds.ToString(CultureInfo.InvariantCulture)} s, beyond CloudWatch's range of ±2^360");
            }

            return report;
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            // .NET's message names a line of 0 and tells the reader to turn DTD processing on: neither is true for us.
            throw new TestReportFormatException(path, (int?)text.DoctypeLine ?? Math.Max(1, ((IXmlLineInfo)reader).LineNumber), "a DTD (<!DOCTYPE …>) is not allowed in a test report (pytest and dotnet test write none)", ex);
        }
        catch (XmlException ex) when (ex.Message.Contains("Root element is missing", StringComparison.Ordinal))
        {
            throw new TestReportFormatException(path, Math.Max(1, ex.LineNumber), "the file is empty or has no root element", ex);
        }
        catch (XmlException ex)
        {
            throw new TestReportFormatException(path, ex.LineNumber, ex.Message.Split(" Line ")[0].TrimEnd('.', ',') + (ex.Message.Contains("Unexpected end of file", StringComparison.Ordinal) ? " (the file is truncated)" : string.Empty), ex);
        }
    }

    private static TestReport JUnit(XmlReader reader, string path)
    {
        var report = new TestReport();
        var suiteDepth = -1;
        var topSuites = 0d;
        double? runTime = null;
        Walk(reader, path, "a JUnit report starts with <testsuites> or <testsuite>", root => root is "testsuites" or "testsuite", line =>
        {
            switch (reader.LocalName)
            {
                case "testsuites" when reader.Depth == 0:
                    runTime = Seconds(reader, path, line);
                    break;
                case "testsuite":
                    report.SuiteName ??= reader.GetAttribute("name");
                    if (suiteDepth < 0 || reader.Depth <= suiteDepth)
                    {
                        // A top-level suite: its time is part of the run (nested suites are inside their parent's time).
                        suiteDepth = reader.Depth;
                        topSuites += Seconds(reader, path, line) ?? 0;
                    }

                    break;
                case "testcase":
                    ReadCase(reader, report, path, line);
                    break;
            }
        });

        report.DurationSeconds = runTime ?? topSuites;
        return report;
    }

    /// <summary>Checks the root element, then calls <paramref name="visit"/> (with the line) on every element, the root included.</summary>
    private static void Walk(XmlReader reader, string path, string expectedRoot, Func<string, bool> isRoot, Action<int> visit)
    {
        var sawRoot = false;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            var line = ((IXmlLineInfo)reader).LineNumber;
            if (!sawRoot)
            {
                sawRoot = true;
                if (!isRoot(reader.LocalName))
                {
                    throw new TestReportFormatException(path, line, $"the root element is <{reader.LocalName}>; {expectedRoot}");
                }
            }

            visit(line);
        }

        if (!sawRoot)
        {
            throw new TestReportFormatException(path, 1, "the file is empty");
        }
    }

    private static void ReadCase(XmlReader reader, TestReport report, string path, int line)
    {
        report.TestSeconds.Add(Seconds(reader, path, line) ?? 0);
        var outcome = "passed";
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            while (reader.Read() && reader.Depth > depth)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
                {
                    outcome = reader.LocalName switch
                    {
                        "failure" or "error" => "failed",
                        "skipped" when outcome == "passed" => "skipped",
                        _ => outcome,
                    };
                }
            }
        }

        switch (outcome)
        {
            case "failed":
                report.Failed++;
                break;
            case "skipped":
                report.Skipped++;
                break;
            default:
                report.Passed++;
                break;
        }
    }

    private static TestReport Trx(XmlReader reader, string path)
    {
        var report = new TestReport();
        DateTimeOffset? start = null, finish = null;
        Walk(reader, path, "a TRX report starts with <TestRun>", root => root == "TestRun", line =>
        {
            switch (reader.LocalName)
            {
                case "TestRun" when reader.Depth == 0:
                    report.SuiteName = reader.GetAttribute("name");
                    break;
                case "Times":
                    start = Time(reader.GetAttribute("start"), path, line);
                    finish = Time(reader.GetAttribute("finish"), path, line);
                    if (start > finish)
                    {
                        throw new TestReportFormatException(path, line, $"finish=\"{reader.GetAttribute("finish")}\" is before start=\"{reader.GetAttribute("start")}\"");
                    }

                    break;
                case "UnitTestResult":
                    var duration = reader.GetAttribute("duration");
                    report.TestSeconds.Add(duration is null ? 0 : TimeSpan.TryParse(duration, CultureInfo.InvariantCulture, out var d) && d >= TimeSpan.Zero ? d.TotalSeconds
                        : throw new TestReportFormatException(path, line, $"duration=\"{duration}\" is not a time span of 0 or more (hh:mm:ss.fffffff)"));
                    switch (reader.GetAttribute("outcome"))
                    {
                        case "Passed":
                            report.Passed++;
                            break;
                        case "NotExecuted" or "Inconclusive" or "Pending" or "Disconnected" or "Warning":
                            report.Skipped++;
                            break;
                        default:
                            report.Failed++; // Failed, Error, Timeout, Aborted
                            break;
                    }

                    break;
            }
        });

        report.DurationSeconds = start is { } s && finish is { } f ? (f - s).TotalSeconds : report.TestSeconds.Sum();
        return report;
    }

    private static double? Seconds(XmlReader reader, string path, int line)
    {
        var time = reader.GetAttribute("time");
        if (string.IsNullOrEmpty(time))
        {
            return null;
        }

        // A decimal point only: "0,123" is 0.123 s in some locales and 123 s in others, so it is refused rather than guessed.
        if (!double.TryParse(time, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || double.IsNaN(seconds))
        {
            throw new TestReportFormatException(path, line, $"time=\"{time}\" is not a number of seconds of 0 or more, written with a decimal point");
        }

        return MetricValidator.IsValidValue(seconds)
            ? seconds
            : throw new TestReportFormatException(path, line, $"time=\"{time}\" is beyond CloudWatch's range of ±2^360");
    }

    private static DateTimeOffset? Time(string? value, string path, int line)
        => value is null ? null
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
            : throw new TestReportFormatException(path, line, $"'{value}' is not a timestamp");
}
