namespace NbaSim.Observability.Tests.Reliability;

public class RaceTests
{
    [Fact]
    public async Task Creating_recording_flushing_and_disposing_concurrently_loses_no_sample_and_throws_nothing_to_recorders()
    {
        var options = new NbaObservabilityOptions { HighResolutionByDefault = true };
        var pipeline = new Infrastructure.Pipeline(options, DateTimeOffset.UtcNow);
        pipeline.Sink.Start();
        var stop = new CancellationTokenSource();
        var recorded = new long[4];
        var errors = new List<Exception>();
        var recorders = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    // New series appear while others record and the sink flushes.
                    var series = pipeline.Registry.Distribution("NBA-Simulator/Race", $"Op{random.Next(40)}", MetricUnit.Seconds, new MetricDimension("Thread", $"t{t}"));
                    for (var i = 0; i < 1000; i++)
                    {
                        series.Record(random.NextDouble());
                    }

                    recorded[t] += 1000;
                }
            }
            catch (Exception ex)
            {
                lock (errors)
                {
                    errors.Add(ex);
                }
            }
        })).ToArray();

        var flusher = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                pipeline.Time.Advance(TimeSpan.FromMilliseconds(700));
                await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);
        await flusher;
        await stop.CancelAsync();
        await Task.WhenAll(recorders);
        await pipeline.Sink.DisposeAsync();

        errors.Should().BeEmpty();
        pipeline.Exporter.Datums.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(recorded.Sum(), "every sample recorded before dispose began reaches the exporter");
        pipeline.Registry.GetDiagnostics().DatumsDropped.Should().Be(0);
        stop.Dispose();
    }
}
