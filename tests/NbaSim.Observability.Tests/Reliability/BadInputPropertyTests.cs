using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Publishers;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>
/// Property-based: every generated input is either rejected where it is created, with a message naming the field and
/// the limit, or accepted and serialized so that decoding the request gives back exactly the input.
/// </summary>
public class BadInputPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<string> Names = Gen.OneOf(
        Gen.String[Gen.Char['!', '~'], 0, 300],
        Gen.String[Gen.Char, 0, 40],
        Gen.Const("S3UploadDuration"),
        Gen.String[Gen.Char[' ', ' '], 1, 3]);

    private static readonly Gen<string> Values = Gen.OneOf(
        Gen.String[Gen.Char, 0, 1100],
        Gen.String[Gen.Char['\u0020', '\uD7FF'], 1, 50],
        Gen.Const("nba-sim-raw-data-lake"));

    private static readonly Gen<double> Numbers = Gen.OneOf(
        Gen.Double,
        Gen.Double[-1e6, 1e6],
        Gen.Int[0, 7].Select(i => new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, Math.Pow(2, 360), Math.BitIncrement(Math.Pow(2, 360)), 0d, -0d, double.Epsilon }[i]));

    private static readonly Gen<DateTimeOffset> Times = Gen.Long[-20L * 86_400_000, 3L * 3_600_000].Select(ms => Now.AddMilliseconds(ms));

    [Fact]
    public void Datums_are_rejected_with_field_and_limit_or_round_trip_exactly_through_the_wire_format()
    {
        Gen.Select(Names, Gen.Select(Names, Values).Array[0, 32], Numbers, Times, Gen.Int[0, 30]).Sample(input =>
        {
            var (name, dims, value, timestamp, unitIndex) = input;
            var unit = (MetricUnit)unitIndex;
            var dimensions = dims.Select(d => new MetricDimension(d.Item1, d.Item2)).ToArray();
            MetricDatum datum;
            try
            {
                datum = MetricDatum.CreateValue("NBA-Simulator/Property", name, value, unit, timestamp, dimensions, now: Now);
            }
            catch (MetricValidationException ex)
            {
                ex.Message.Should().Contain(ex.Field.Split(' ', '[')[0]);
                ex.Message.Should().MatchRegex("(allows|requires|reserves|not allow|only)");
                return;
            }

            var writer = new QueryShapeWriter();
            new PutMetricDataRequest("NBA-Simulator/Property", [datum]).Write(writer);
            var body = QueryShapeWriter.FormBody(writer.Parameters);
            var form = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]));
            form["MetricData.member.1.MetricName"].Should().Be(name);
            double.Parse(form["MetricData.member.1.Value"], CultureInfo.InvariantCulture).Should().Be(value);
            DateTimeOffset.Parse(form["MetricData.member.1.Timestamp"], CultureInfo.InvariantCulture).Should().Be(new DateTimeOffset(timestamp.UtcTicks - (timestamp.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero));
            form["MetricData.member.1.Unit"].Should().Be(unit.ToWireName());
            for (var i = 0; i < dimensions.Length; i++)
            {
                form[$"MetricData.member.1.Dimensions.member.{i + 1}.Name"].Should().Be(dimensions[i].Name);
                form[$"MetricData.member.1.Dimensions.member.{i + 1}.Value"].Should().Be(dimensions[i].Value);
            }
        }, iter: 3000);
    }

    [Fact]
    public void Recording_any_double_never_throws_and_invalid_ones_are_counted()
    {
        var registry = new MetricRegistry();
        var series = registry.Distribution("NBA-Simulator/Property", "AnyValue", MetricUnit.None);
        long invalid = 0;
        Numbers.Sample(v =>
        {
            series.Record(v);
            if (!MetricValidator.IsValidValue(v))
            {
                invalid++;
            }
        }, iter: 5000, threads: 1);
        registry.GetDiagnostics().SamplesRejected.Should().Be(invalid);
    }

    [Fact]
    public void Random_bytes_into_the_EMF_reader_give_EmfFormatException_or_records_never_anything_else()
    {
        var lines = Gen.OneOf(
            Gen.Byte.Array[0, 400].Select(b => Encoding.UTF8.GetString(b)),
            Gen.String[Gen.Char['\u0000', '\u007F'], 0, 200],
            Gen.Const("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[[\"D\"]],\"Metrics\":[{\"Name\":\"M\",\"Unit\":\"Bogus\"}]}]},\"M\":1}"),
            Gen.Const("{\"_aws\":{\"Timestamp\":1.5,\"CloudWatchMetrics\":{}}}"));
        lines.Sample(line =>
        {
            try
            {
                _ = EmfReader.ParseLine(line);
            }
            catch (EmfFormatException)
            {
            }
        }, iter: 3000);
    }

    [Fact]
    public void Random_bytes_into_the_DIMS_reader_give_DimsFormatException_never_anything_else()
        => DimsReaderProperty(seed: null);

    /// <summary>A seed that once found YamlDotNet's ArgumentException ("The current event is of an unsupported type") escaping.</summary>
    [Fact]
    public void The_seed_that_found_an_ArgumentException_from_YamlDotNet_gives_DimsFormatException()
        => DimsReaderProperty(seed: "15XxxfghpUH3");

    private static void DimsReaderProperty(string? seed)
    {
        var mappings = new DimsPublisherOptions().AllMappings().ToList();
        Gen.OneOf(Gen.Byte.Array[0, 300].Select(b => Encoding.UTF8.GetString(b)), Gen.String[Gen.Char['\u0000', '\u007F'], 0, 200]).Sample(text =>
        {
            var act = () => DimsPublisher.Read("metrics.yaml", text, mappings);
            act.Should().Throw<DimsFormatException>();
        }, iter: 2000, seed: seed);
    }

    [Fact]
    public async Task Random_error_bodies_become_AwsApiException_never_a_crash_or_a_hang()
    {
        var bodies = Gen.Byte.Array[0, 300].Array[40].Single();
        var index = 0;
        await using var server = new LoopbackAwsServer((_, _) => Task.FromResult(new LoopbackResponse(400, Encoding.Latin1.GetString(bodies[Interlocked.Increment(ref index) % bodies.Length]))));
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(60) });
        for (var i = 0; i < bodies.Length; i++)
        {
            var act = () => client.ListMetricsAsync(new ListMetricsRequest(), TestContext.Current.CancellationToken);
            var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
            error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }
    }
}
