using System.Buffers;
using System.Text;
using System.Text.Json;
using NbaSim.Observability.Tests.Oracles;

namespace NbaSim.Observability.Tests.Export;

/// <summary>
/// Every document the EMF exporter writes is valid against AWS's published specification (its JSON schema and its prose
/// limits, <see cref="EmfSpecification"/>), for every input the public API accepts; what EMF cannot carry is refused with
/// a message, or counted as dropped, never written as a document CloudWatch would silently ignore.
/// </summary>
public class EmfSpecificationTests
{
    private const string Ns = "NBA-Simulator/EmfSpec";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_dimension_named_like_its_metric_is_refused_at_datum_and_series_creation()
    {
        var datum = () => MetricDatum.CreateValue("Probe", "Team", 5, MetricUnit.Count, Now, [new("Team", "LAL")], now: Now);
        datum.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("Dimension #1 name 'Team' is also the name of the metric; EMF does not allow that");

        var registry = new MetricRegistry();
        var series = () => registry.Counter(Ns, "Team", MetricUnit.Count, default, new MetricDimension("Team", "LAL"));
        series.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("'Team' is also the name of the metric");
        var distribution = () => registry.Distribution(Ns, "Team", MetricUnit.Count, default, new MetricDimension("Season", "2025"), new MetricDimension("Team", "LAL"));
        distribution.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("Dimension #2 name 'Team'");
    }

    [Theory]
    [InlineData("_aws", "Team")]
    [InlineData("Probe", "_aws")]
    public void The_name_aws_is_refused_for_metrics_and_dimensions(string metricName, string dimensionName)
    {
        var datum = () => MetricDatum.CreateValue(Ns, metricName, 5, MetricUnit.Count, Now, [new(dimensionName, "x")], now: Now);
        datum.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("'_aws'").And.Contain("reserves for its metadata");

        var registry = new MetricRegistry();
        var series = () => registry.Counter(Ns, metricName, MetricUnit.Count, default, new MetricDimension(dimensionName, "x"));
        series.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("'_aws'");
    }

    [Fact]
    public async Task A_dimension_name_of_251_characters_is_refused_on_the_emf_path_and_kept_for_put_metric_data()
    {
        var name = new string('D', 251);

        // The registry refuses it when it exports EMF, naming the rule that applied, and accepts it for PutMetricData.
        {
            var emf = new MetricRegistry(new NbaObservabilityOptions { Exporter = MetricExporterKind.Emf });
            var refused = () => emf.Counter(Ns, "Probe", MetricUnit.Count, default, new MetricDimension(name, "x"));
            refused.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("is 251 characters; the EMF specification allows 250").And.Contain("PutMetricData");
            emf.Counter(Ns, "Probe", MetricUnit.Count, default, new MetricDimension(new string('D', 250), "x")).Should().NotBeNull();
        }

        {
            var cloudWatch = new MetricRegistry(new NbaObservabilityOptions { Exporter = MetricExporterKind.CloudWatch });
            cloudWatch.Counter(Ns, "Probe", MetricUnit.Count, default, new MetricDimension(name, "x")).Should().NotBeNull();
            var tooLong = () => cloudWatch.Counter(Ns, "Probe2", MetricUnit.Count, default, new MetricDimension(new string('D', 256), "x"));
            tooLong.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("CloudWatch allows 255");
        }

        // A datum (valid for PutMetricData) handed to the EMF exporter is dropped and counted, the rest of the batch written.
        var wide = MetricDatum.CreateValue(Ns, "Probe", 1, MetricUnit.Count, Now, [new(name, "x")], now: Now);
        var fine = MetricDatum.CreateValue(Ns, "Probe", 2, MetricUnit.Count, Now, [new("Team", "x")], now: Now);
        var path = Path.Combine(Directory.CreateTempSubdirectory("emf-spec-").FullName, "m.emf");
        await using (var exporter = new EmfExporter(new EmfExporterOptions { Path = path }))
        {
            var result = await exporter.ExportAsync([wide, fine], TestContext.Current.CancellationToken);
            result.RejectedDatums.Should().Be(1);
        }

        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        lines.Should().ContainSingle().Which.Should().Contain("\"Team\":\"x\"");
        EmfSpecification.Problems(lines[0]).Should().BeEmpty();

        var serialize = () => EmfSerializer.Write([wide], new ArrayBufferWriter<byte>());
        serialize.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("the EMF specification allows 250");
    }

    [Theory]
    [InlineData(EmfFormat.Exact)]
    [InlineData(EmfFormat.Strict)]
    public void Documents_stay_below_1_MB_with_escaped_and_non_ascii_characters(EmfFormat format)
    {
        // 30 dimensions of 1,024 characters that JSON escapes (each '<' becomes \u003C, each 'é' \u00E9), metric names of
        // 255 such characters, and 100 distributions of 100 values and counts of 17 significant digits: over 1 MB as one
        // document (the case found: 1,071,749 bytes).
        var dims = Enumerable.Range(0, 30).Select(i => new MetricDimension($"D{i:D2}<{new string('>', 246)}", new string(i % 2 == 0 ? '<' : 'é', 1024))).ToArray();
        var datums = Enumerable.Range(0, 100).Select(m => MetricDatum.CreateDistribution(
            Ns,
            $"M{m:D3}{new string('<', 251)}",
            [.. Enumerable.Range(1, 100).Select(v => -(1 + (v * 1.1e-15)) * 1e-300 * (m + 1))],
            [.. Enumerable.Range(1, 100).Select(v => format == EmfFormat.Exact ? 1.2345678901234567e15 + v : 1 + (v * 2.2e-16))],
            MetricUnit.Seconds,
            Now,
            dims,
            now: Now)).ToList();
        var unsplit = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(unsplit))
        {
            // What one document would weigh: the dimension values once, the names twice, the values and counts.
            JsonSerializer.Serialize(writer, new { dims = dims.Select(d => new[] { d.Name, d.Name, d.Value }), metrics = datums.Select(d => new { n = new[] { d.MetricName, d.MetricName }, d.Values, d.Counts }) });
        }

        unsplit.WrittenCount.Should().BeGreaterThan(MetricLimits.MaxEmfDocumentBytes, "the case needs more than one document");

        var lines = Serialize(datums, format);

        if (format == EmfFormat.Exact)
        {
            lines.Should().HaveCountGreaterThan(1, "one document would be over 1 MB");
        }

        foreach (var line in lines)
        {
            Encoding.UTF8.GetByteCount(line).Should().BeLessThan(MetricLimits.MaxEmfDocumentBytes);
            EmfSpecification.Problems(line, allowObjectForm: format == EmfFormat.Exact).Should().BeEmpty();
        }

        for (var m = 0; m < 100; m++)
        {
            var extracted = CloudWatchEmfRule.Extract(lines, Ns, datums[m].MetricName);
            extracted.SampleCount.Should().BeApproximately(format == EmfFormat.Exact ? datums[m].Counts!.Sum() : 100, 1e-9, "every value of metric {0} is in some document", m);
        }
    }

    [Theory]
    [InlineData("descending")]
    [InlineData("alternating")]
    [InlineData("shuffled")]
    public void Unordered_distribution_values_give_parts_whose_statistics_bound_their_own_values(string order)
    {
        var magnitudes = Enumerable.Range(0, 150).Select(i => Math.Pow(10, (i * 200.0 / 149) - 100)).ToArray(); // 1e-100 … 1e100
        double[] values = order switch
        {
            "descending" => [.. magnitudes.Reverse()],
            "alternating" => [.. magnitudes.Select((v, i) => i % 2 == 0 ? v : -v)],
            _ => [.. magnitudes.OrderBy(v => BitConverter.DoubleToInt64Bits(v) * 2654435761L % 1000)],
        };
        var counts = values.Select((_, i) => (double)(i % 3) + 1).ToArray();
        var datum = MetricDatum.CreateDistribution(Ns, "Spread", values, counts, MetricUnit.None, Now, now: Now);

        var lines = Serialize([datum]);

        lines.Should().HaveCount(2, "150 values are two parts of at most 100");
        foreach (var line in lines)
        {
            EmfSpecification.Problems(line).Should().BeEmpty();
        }

        var merged = CloudWatchEmfRule.Extract(lines, Ns, "Spread");
        merged.SampleCount.Should().Be(counts.Sum());
        merged.Minimum.Should().Be(values.Min());
        merged.Maximum.Should().Be(values.Max());
        merged.Sum.Should().BeApproximately(values.Zip(counts, (v, c) => v * c).Sum(), Math.Abs(values.Max()) * 1e-9);
    }

    [Fact]
    public void Entries_with_a_count_of_0_are_left_out_and_a_distribution_without_samples_writes_nothing()
    {
        var empty = MetricDatum.CreateDistribution(Ns, "Nothing", [1, 2, 3], [0, 0, 0], MetricUnit.Count, Now, now: Now);
        var some = MetricDatum.CreateDistribution(Ns, "Some", [1, 2, 3], [0, 4, 0], MetricUnit.Count, Now, now: Now);

        Serialize([empty]).Should().BeEmpty("a distribution with no samples is no metric");
        var lines = Serialize([empty, some]);

        lines.Should().ContainSingle();
        EmfSpecification.Problems(lines[0]).Should().BeEmpty();
        using var doc = JsonDocument.Parse(lines[0]);
        doc.RootElement.TryGetProperty("Nothing", out _).Should().BeFalse();
        var written = doc.RootElement.GetProperty("Some");
        written.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).Should().Equal(2);
        written.GetProperty("Counts").EnumerateArray().Select(v => v.GetDouble()).Should().Equal(4);
        written.GetProperty("Count").GetDouble().Should().Be(4);
    }

    [Fact]
    public void Strict_writes_only_numbers_and_arrays_and_keeps_the_sample_count_up_to_its_cap()
    {
        var counter = MetricDatum.CreateStatistics(Ns, "Completed", new StatisticSet(3, 9, 1, 5), MetricUnit.Count, Now, now: Now);
        var distribution = MetricDatum.CreateDistribution(Ns, "Latency", [0.5, 0.1, 0.2], [150, 2, 3], MetricUnit.Seconds, Now, now: Now);
        var huge = MetricDatum.CreateDistribution(Ns, "Huge", [1, 2], [1e9, 1e9], MetricUnit.Seconds, Now, now: Now);

        var lines = Serialize([counter, distribution, huge], EmfFormat.Strict);

        foreach (var line in lines)
        {
            EmfSpecification.Problems(line, allowObjectForm: false).Should().BeEmpty();
        }

        CloudWatchEmfRule.Extract(lines, Ns, "Completed").Sum.Should().Be(9, "a counter is written as its Sum");
        var latency = CloudWatchEmfRule.Extract(lines, Ns, "Latency");
        (latency.SampleCount, latency.Minimum, latency.Maximum).Should().Be((155, 0.1, 0.5));
        latency.Sum.Should().BeApproximately((150 * 0.5) + 0.2 + 0.6, 1e-9);
        latency.Documents.Should().Be(2, "155 samples are two arrays of at most 100");
        var capped = CloudWatchEmfRule.Extract(lines, Ns, "Huge");
        capped.SampleCount.Should().Be(EmfSerializer.MaxStrictSamplesPerDatum, "2e9 samples are scaled down to the cap");
        capped.Sum.Should().Be(500 + 1_000, "the scaled samples keep their proportions (500 of each)");
    }

    [Fact]
    public async Task Ten_thousand_random_batches_through_the_exporter_give_only_valid_documents()
    {
        // Random series at and near every limit, names with characters JSON escapes and non-ASCII, values over the whole
        // accepted double range, unordered distributions with zero counts; both formats, through the exporter to a file
        // read back after each batch. The seed of a failure is printed.
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("emf-property-");
        var exact = Path.Combine(dir.FullName, "exact.emf");
        var strict = Path.Combine(dir.FullName, "strict.emf");
        var failures = new List<string>();
        await using (var exactExporter = new EmfExporter(new EmfExporterOptions { Path = exact }))
        await using (var strictExporter = new EmfExporter(new EmfExporterOptions { Path = strict, Format = EmfFormat.Strict }))
        {
            var read = new Dictionary<string, long> { [exact] = 0, [strict] = 0 };
            for (var batch = 0; batch < 10_000 && failures.Count < 5; batch++)
            {
                var random = new Random(batch);
                var format = batch % 10 == 9 ? EmfFormat.Strict : EmfFormat.Exact;
                var path = format == EmfFormat.Strict ? strict : exact;
                var datums = RandomBatch(random);
                var result = await (format == EmfFormat.Strict ? strictExporter : exactExporter).ExportAsync(datums, ct);
                if (result.RejectedDatums != 0)
                {
                    failures.Add($"seed {batch} ({format}): {result.RejectedDatums} datum(s) rejected");
                }

                var lines = NewLines(path, read);
                var written = new HashSet<string>(StringComparer.Ordinal);
                foreach (var line in lines)
                {
                    if (EmfSpecification.Problems(line, allowObjectForm: format == EmfFormat.Exact) is { Count: > 0 } problems)
                    {
                        failures.Add($"seed {batch} ({format}): {string.Join("; ", problems.Take(3))}");
                        break;
                    }

                    using var doc = JsonDocument.Parse(line);
                    written.UnionWith(doc.RootElement.EnumerateObject().Select(p => p.Name));
                }

                // Nothing with samples is lost: every metric of the batch with a nonzero count is a member of some document.
                if (datums.Where(d => d.SampleCount > 0).Select(d => d.MetricName).FirstOrDefault(n => !written.Contains(n)) is { } missing)
                {
                    failures.Add($"seed {batch} ({format}): metric {missing} was not written");
                }
            }
        }

        failures.Should().BeEmpty();
        dir.Delete(recursive: true);
    }

    /// <summary>The lines appended to <paramref name="path"/> since the last call.</summary>
    private static List<string> NewLines(string path, Dictionary<string, long> read)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = read[path];
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        read[path] = stream.Length;
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    // Found by the attacker of this change (red-team round 4): each failed before its fix.
    [Fact]
    public void Statistics_that_contradict_their_values_are_refused_at_creation()
    {
        var counts = () => MetricDatum.CreateStatistics(Ns, "Latency", new StatisticSet(1, 1, 1, 1), MetricUnit.Milliseconds, Now, values: [1, 1], counts: [3, 4], now: Now);
        counts.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("Counts add up to 7 but StatisticValues.SampleCount is 1");
        var bounds = () => MetricDatum.CreateStatistics(Ns, "Latency", new StatisticSet(150, 750, 5, 5), MetricUnit.Milliseconds, Now, values: [.. Enumerable.Range(1, 150).Select(i => (double)i)], now: Now);
        bounds.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("Values[0] is 1, outside StatisticValues [Minimum 5, Maximum 5]");
    }

    [Fact]
    public void Names_that_differ_only_in_an_unpaired_surrogate_are_refused()
    {
        // Written as UTF-8, both would become "m\uFFFD": one JSON member twice in one document.
        var metric = () => MetricDatum.CreateValue(Ns, "m\uD800", 1, MetricUnit.Count, Now, now: Now);
        metric.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("unpaired surrogate '\\uD800'");
        var value = () => MetricDatum.CreateValue(Ns, "m", 1, MetricUnit.Count, Now, [new("Team", "L\uDC00")], now: Now);
        value.Should().Throw<MetricValidationException>().Which.Message.Should().Contain("unpaired surrogate");
        MetricDatum.CreateValue(Ns, "m\uD83D\uDE00", 1, MetricUnit.Count, Now, now: Now).MetricName.Should().Be("m😀", "a surrogate pair is one character");
    }

    [Fact]
    public void The_sum_of_values_near_the_limit_keeps_the_small_ones()
    {
        var max = MetricLimits.MaxMagnitude;
        var line = Serialize([MetricDatum.CreateDistribution(Ns, "Spread", [-max, 1, 2, 3, max], null, MetricUnit.None, Now, now: Now)]).Single();

        using var doc = JsonDocument.Parse(line);
        doc.RootElement.GetProperty("Spread").GetProperty("Sum").GetDouble().Should().Be(6);
    }

    [Fact]
    public void Strict_keeps_fractional_counts_and_its_size_bounded()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        var fractional = MetricDatum.CreateDistribution(Ns, "Frac", values, Enumerable.Repeat(0.01, 100).ToArray(), MetricUnit.None, Now, now: Now);
        using (var doc = JsonDocument.Parse(Serialize([fractional], EmfFormat.Strict).Single()))
        {
            doc.RootElement.GetProperty("Frac").GetArrayLength().Should().Be(1, "100 × 0.01 is one sample");
        }

        var wide = Enumerable.Range(0, 150).Select(i => 1.2345678901234567e100 + (i * 1e85)).ToArray();
        var datums = Enumerable.Range(0, 200).Select(i => MetricDatum.CreateDistribution(Ns, $"M{i}", wide, Enumerable.Repeat(1e100, 150).ToArray(), MetricUnit.None, Now, [new("Team", "T" + (i % 10))], now: Now)).ToList();
        var strict = new ArrayBufferWriter<byte>();
        var exact = new ArrayBufferWriter<byte>();
        EmfSerializer.Write(datums, strict, EmfFormat.Strict);
        EmfSerializer.Write(datums, exact, EmfFormat.Exact);
        strict.WrittenCount.Should().BeLessThan(10 * exact.WrittenCount, "at most 1,000 samples per datum, as documented");
    }

    [Fact]
    public async Task Over_UDP_a_datum_is_sent_whole_or_refused_once()
    {
        // 30 dimension values of 340-370 'é' (6 bytes each escaped): one 150-value datum's two parts straddle the 65,507-byte
        // datagram, so one part may fit and the other not. Sending the part that fits would give CloudWatch half a
        // distribution; counting the datum twice would break delivered + dropped = recorded.
        var values = Enumerable.Range(0, 100).Select(i => -1.2345678901234567e100 * (i + 1)).Concat(Enumerable.Range(0, 50).Select(i => (double)i)).ToArray();
        var huge = Enumerable.Range(0, 150).Select(i => -1.2345678901234567e100 * (i + 1)).ToArray();
        foreach (var (length, vs) in Enumerable.Range(340, 31).Select(l => (l, values)).Append((1024, huge)))
        {
            var datum = MetricDatum.CreateDistribution(Ns, "Latency", vs, null, MetricUnit.Milliseconds, Now, [.. Enumerable.Range(0, 30).Select(i => new MetricDimension($"D{i:00}", new string('é', length)))], now: Now);
            using var listener = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            listener.Client.ReceiveBufferSize = 4 << 20;
            var port = ((System.Net.IPEndPoint)listener.Client.LocalEndPoint!).Port;
            ExportResult result;
            await using (var exporter = new EmfExporter(new EmfExporterOptions { AgentEndpoint = $"udp://127.0.0.1:{port}" }))
            {
                result = await exporter.ExportAsync([datum], TestContext.Current.CancellationToken);
            }

            var received = new List<string>();
            while (listener.Available > 0)
            {
                received.Add(Encoding.UTF8.GetString((await listener.ReceiveAsync(TestContext.Current.CancellationToken)).Buffer));
            }

            if (result.RejectedDatums > 0)
            {
                result.RejectedDatums.Should().Be(1, "one datum at {0} characters", length);
                received.Should().BeEmpty("a refused datum sends no part ({0} characters)", length);
            }
            else
            {
                CloudWatchEmfRule.Extract(received, Ns, "Latency").SampleCount.Should().Be(150, "{0} characters", length);
            }
        }
    }

    private static List<MetricDatum> RandomBatch(Random random)
    {
        var atLimits = random.Next(10) == 0;
        var dimensionCount = atLimits ? 30 : random.Next(0, 4);
        var dims = new List<MetricDimension>();
        while (dims.Count < dimensionCount)
        {
            var name = RandomText(random, atLimits ? MetricLimits.MaxEmfDimensionNameLength : random.Next(1, 12), asciiOnly: true);
            if (dims.All(d => d.Name != name))
            {
                dims.Add(new MetricDimension(name, RandomText(random, atLimits ? MetricLimits.MaxDimensionValueLength : random.Next(1, 20), asciiOnly: false)));
            }
        }

        var timestamp = Now.AddMinutes(-random.Next(0, 60));
        var datums = new List<MetricDatum>();
        var count = random.Next(1, atLimits ? 4 : random.Next(10) == 0 ? 120 : 8);
        for (var i = 0; i < count; i++)
        {
            var metricName = atLimits && i == 0 ? RandomText(random, MetricLimits.MaxMetricNameLength, asciiOnly: false) : $"M{random.Next(0, 150)}{RandomText(random, random.Next(1, 4), asciiOnly: false)}";
            if (dims.Any(d => d.Name == metricName) || metricName == MetricLimits.ReservedEmfName)
            {
                continue;
            }

            var resolution = random.Next(4) == 0 ? 1 : 60;
            datums.Add(random.Next(4) switch
            {
                0 => MetricDatum.CreateValue(Ns, metricName, RandomValue(random), MetricUnit.Count, timestamp, dims, resolution, Now),
                1 => Statistics(random, metricName, timestamp, dims, resolution),
                _ => Distribution(random, metricName, timestamp, dims, resolution),
            });
        }

        return datums;
    }

    private static MetricDatum Statistics(Random random, string metricName, DateTimeOffset timestamp, List<MetricDimension> dims, int resolution)
    {
        var a = RandomValue(random);
        var b = RandomValue(random);
        var (min, max) = (Math.Min(a, b), Math.Max(a, b));
        var samples = random.Next(1, 1000);
        return MetricDatum.CreateStatistics(Ns, metricName, new StatisticSet(samples, Math.Clamp((min + max) / 2 * samples, -MetricLimits.MaxMagnitude, MetricLimits.MaxMagnitude), min, max), MetricUnit.Seconds, timestamp, dims, storageResolution: resolution, now: Now);
    }

    private static MetricDatum Distribution(Random random, string metricName, DateTimeOffset timestamp, List<MetricDimension> dims, int resolution)
    {
        var n = random.Next(1, MetricLimits.MaxValuesPerDatum + 1);
        var values = Enumerable.Range(0, n).Select(_ => RandomValue(random)).ToArray();
        var most = random.Next(10) == 0 ? 1_000_000 : 20;
        var counts = Enumerable.Range(0, n).Select(i => i == 0 ? random.Next(1, 50) : random.Next(4) == 0 ? 0d : random.Next(1, most)).ToArray();
        return MetricDatum.CreateDistribution(Ns, metricName, values, counts, MetricUnit.Milliseconds, timestamp, dims, resolution, Now);
    }

    /// <summary>Any finite value CloudWatch accepts, spread over the exponents (±2^360), zeros and tiny ones included.</summary>
    private static double RandomValue(Random random) => random.Next(8) switch
    {
        0 => 0,
        1 => random.Next(-1000, 1000),
        2 => (random.Next(2) == 0 ? -1 : 1) * MetricLimits.MaxMagnitude,
        3 => double.Epsilon * random.Next(1, 10),
        _ => (random.Next(2) == 0 ? -1 : 1) * Math.Pow(2, random.Next(-1074, 360)) * (1 + random.NextDouble()) / 2,
    };

    private static string RandomText(Random random, int length, bool asciiOnly)
    {
        // Printable ASCII, with the characters System.Text.Json escapes; beyond ASCII, accents, CJK and a surrogate pair.
        const string ascii = "abcXYZ019 -_.:/#<>&'\"\\+`";
        string[] wide = ["é", "ß", "中", "😀"];
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            var next = asciiOnly || random.Next(3) > 0 ? ascii[random.Next(ascii.Length)].ToString() : wide[random.Next(wide.Length)];
            if (text.Length + next.Length <= length)
            {
                text.Append(next);
            }
        }

        var s = text.ToString();
        return string.IsNullOrWhiteSpace(s) || s[0] == ':' ? "x" + s[1..] : s;
    }

    private static List<string> Serialize(IReadOnlyList<MetricDatum> datums, EmfFormat format = EmfFormat.Exact)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EmfSerializer.Write(datums, buffer, format);
        return [.. Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
