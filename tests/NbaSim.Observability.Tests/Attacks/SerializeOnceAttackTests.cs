using System.Text;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// The attack on "serialize once" (issue 22): a datum's kept bytes must stay its bytes, and an export must not depend on
/// a list its caller still holds. Both failed before the fix (the body kept 1 after the caller set 777 through a cast;
/// a list swapped during the first call left M0–M3 neither bisected nor handed back).
/// </summary>
public class SerializeOnceAttackTests
{
    private const string Ns = "NBA-Simulator/Wire";
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_datum_cannot_be_changed_after_it_was_measured_by_casting_its_lists_back_to_arrays()
    {
        var datum = MetricDatum.CreateDistribution(Ns, "Latency", [1, 2], [1, 1], MetricUnit.Seconds, At, [new("Status", "success")], now: At);
        using var exporter = new CloudWatchExporter(new CloudWatchExporterOptions { ServiceUrl = "http://127.0.0.1:1" });
        exporter.EstimateSize(datum);

        (datum.Values as double[]).Should().BeNull("the public list is a read-only view, not the array behind it");
        (datum.Counts as double[]).Should().BeNull();
        (datum.Dimensions as MetricDimension[]).Should().BeNull();
        var asList = (IList<double>)datum.Values!;
        var write = () => asList[0] = 777;
        write.Should().Throw<NotSupportedException>();

        using var body = new Utf8BodyWriter(4096);
        MetricDataJsonWriter.Write(body, Ns, [datum]);
        Encoding.UTF8.GetString(body.WrittenSpan).Should().Contain("\"Values\":[1,2]");
    }

    [Fact]
    public async Task A_list_the_caller_changes_during_an_export_does_not_change_what_is_bisected_or_handed_back()
    {
        var gate = new TaskCompletionSource();
        var client = new GatedClient(gate, call => call == 1 ? AwsApiException.Create("ValidationError", "bad", "Sender", null, System.Net.HttpStatusCode.BadRequest, null) : null);
        using var exporter = new CloudWatchExporter(client);
        var batch = Enumerable.Range(0, 4).Select(i => MetricDatum.CreateValue(Ns, "M" + i, i, MetricUnit.Count, At, now: At)).ToList();

        var export = exporter.ExportAsync(batch, TestContext.Current.CancellationToken);
        batch.Clear();
        batch.Add(MetricDatum.CreateValue(Ns, "Intruder", 1, MetricUnit.Count, At, now: At));
        gate.SetResult();
        var result = await export;

        client.Sent.Should().Equal("M0,M1,M2,M3", "M0,M1", "M2,M3");
        result.RejectedDatums.Should().Be(0);
        (result.Undelivered ?? []).Should().BeEmpty();
    }

    [Fact]
    public void A_null_schedule_entry_is_a_validation_message_not_a_crash()
    {
        var options = new NbaObservabilityOptions();
        options.Schedule.Cost = null!;

        var result = new NbaObservabilityOptionsValidator().Validate(null, options);

        result.Failures.Should().ContainSingle().Which.Should().Be("NbaObservability:Schedule:Cost is null; leave it out to keep its default schedule.");
    }

    /// <summary>Records each PutMetricData's datums, holds every call until the gate opens, then fails the calls <c>fail</c> names.</summary>
    private sealed class GatedClient(TaskCompletionSource gate, Func<int, Exception?> fail) : ICloudWatchClient
    {
        private int _calls;

        public List<string> Sent { get; } = [];

        public async Task<TResponse> SendAsync<TResponse>(AwsRequest<TResponse> request, CancellationToken cancellationToken = default)
            where TResponse : AwsResponse, new()
        {
            var put = (PutMetricDataRequest)(object)request;
            lock (Sent)
            {
                Sent.Add(string.Join(",", put.MetricData.Select(d => d.MetricName)));
            }

            await gate.Task;
            return fail(Interlocked.Increment(ref _calls)) is { } error ? throw error : new TResponse();
        }

        public void Dispose()
        {
        }
    }
}
