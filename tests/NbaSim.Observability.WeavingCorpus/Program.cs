using System.Globalization;
using System.Reflection;
using NbaSim.Observability;
using NbaSim.Observability.WeavingCorpus;

// usage: WeavingCorpus EMF_FILE
// Runs every shape, checks each one's own result, flushes what the woven methods recorded to EMF_FILE, and prints
//   CHECK <name> ok|FAIL <detail>     the shape behaved as unwoven code would
//   RECORDED <operation> <status> <count>   read back from the EMF file the way CloudWatch reads it
var options = new NbaObservabilityOptions();
var registry = new MetricRegistry(options);
ProfilingHost.Attach(registry);
await using var exporter = new EmfExporter(new EmfExporterOptions { Path = args[0] });
await using var sink = new BufferedMetricSink(registry, exporter, options);

var failures = 0;
void Check(string name, bool ok, string detail = "")
{
    Console.WriteLine(ok ? $"CHECK {name} ok" : $"CHECK {name} FAIL {detail}");
    failures += ok ? 0 : 1;
}

void Throws<TException>(string name, Action action)
    where TException : Exception
{
    try
    {
        action();
        Check(name, false, "did not throw");
    }
    catch (TException)
    {
        Check(name, true);
    }
}

async Task ThrowsAsync<TException>(string name, Func<Task> action)
    where TException : Exception
{
    try
    {
        await action();
        Check(name, false, "did not throw");
    }
    catch (TException)
    {
        Check(name, true);
    }
}

var s = new Shapes();
s.SyncVoid();
s.SyncVoid();
Check("SyncInt", s.SyncInt(21) == 42);
Throws<InvalidOperationException>("SyncThrows", s.SyncThrows);
Throws<OperationCanceledException>("SyncThrowsCancellation", s.SyncThrowsCancellation);
Throws<InvalidOperationException>("EndsInTryFinally", s.EndsInTryFinally);
Check("EndsInTryFinally.finally", s.Closed == 1);
Check("FilterCatches", s.FilterCatches(7) == 7);
Throws<InvalidOperationException>("FilterPassesThrough", () => s.FilterPassesThrough(1));
Check("ReturnsFromTry", s.ReturnsFromTry(11) == 1 && s.ReturnsFromTry(6) == 2 && s.ReturnsFromTry(0) == 3 && s.Closed == 4);
Check("ReturnsFromUsing", s.ReturnsFromUsing(5) == 5 && s.ReturnsFromUsing(0) == -1);
Check("ReturnsFromLock", s.ReturnsFromLock(5) == 5 && s.ReturnsFromLock(-1) == 0);
var r = 1;
s.RefParameter(ref r);
Check("RefParameter", r == 11);
Check("OutParameter", s.OutParameter("42", out var parsed) && parsed == 42);
var when = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
Check("InParameter", s.InParameter(in when) == when.Ticks);
s.ReturnsRefT(2) = 99;
Check("ReturnsRefT", s.ReturnsRefT(2) == 99);
var pending = new TaskCompletionSource().Task;
s.ReturnsRefTask() = pending;
Check("ReturnsRefTask", ReferenceEquals(s.ReturnsRefTask(), pending));
Check("SkipLocalsInitLocalFunction", s.SkipLocalsInitOuter(4) == 8);
Check("InitSetter", new Shapes { InitValue = 7 }.InitValue == 7);
Check("RefReadonlyTask", ReferenceEquals(Shapes.RefReadonlyTask(), Task.CompletedTask));
Check("RefReadonlyTaskOfT", Shapes.RefReadonlyTaskOfT().Result == 5);
Check("RefReadonlyValueTaskOfT", await Shapes.RefReadonlyValueTaskOfT() == 6);
await ThrowsAsync<OperationCanceledException>("TaskFaultedWithCancellation", s.TaskFaultedWithCancellation);
await ThrowsAsync<OperationCanceledException>("ValueTaskFaultedWithCancellation", () => s.ValueTaskFaultedWithCancellation().AsTask());
await ThrowsAsync<OperationCanceledException>("ValueTaskOfTFaultedWithCancellation", () => s.ValueTaskOfTFaultedWithCancellation().AsTask());
using (var cancelled = new CancellationTokenSource())
{
    await cancelled.CancelAsync();
    await ThrowsAsync<OperationCanceledException>("TaskRunCancellation", () => s.TaskRunCancellation(cancelled.Token));
}

Check("GenericMethod", s.GenericMethod("a") == "a" && s.GenericMethod(5) == 5);
Check("StaticMethod", Shapes.StaticMethod(1) == 2);
Check("WithLambda", s.WithLambda(1) == 2);
Check("WithLocalFunction", s.WithLocalFunction(2) == 5);
Check("StackallocSkipLocalsInit", s.StackallocSkipLocalsInit(64) == 64);
Check("StackallocSkipLocalsInit.InitLocals", typeof(Shapes).GetMethod(nameof(Shapes.StackallocSkipLocalsInit))!.GetMethodBody()!.InitLocals == false, "the weaver turned localsinit back on");
using (var cts = new CancellationTokenSource(20))
{
    await ThrowsAsync<OperationCanceledException>("PendingTaskCancelled", () => s.PendingTaskCancelled(cts.Token));
}

var a = new AsyncShapes();
foreach (var (name, run) in new (string, Func<int, CancellationToken, Task>)[]
{
    ("AsyncTask", (m, t) => a.AsyncTask(m, t)),
    ("AsyncTaskOfT", async (m, t) => Check("AsyncTaskOfT.value", await a.AsyncTaskOfT(m, t) == m)),
    ("AsyncValueTask", (m, t) => a.AsyncValueTask(m, t).AsTask()),
    ("AsyncValueTaskOfT", async (m, t) => Check("AsyncValueTaskOfT.value", await a.AsyncValueTaskOfT(m, t) == m)),
})
{
    await run(0, CancellationToken.None); // completes synchronously
    await run(1, CancellationToken.None); // completes asynchronously
    await ThrowsAsync<InvalidOperationException>(name + ".faulted", () => run(2, CancellationToken.None));
    using var cts = new CancellationTokenSource(20);
    await ThrowsAsync<OperationCanceledException>(name + ".cancelled", () => run(3, cts.Token));
}

Check("GenericClassMethod", new Generic<string>().Echo("x") == "x" && new Generic<int>().Echo(3) == 3);
Check("GenericClassAsync", await new Generic<string>().EchoAsync("y") == "y");
Check("GenericMethodAsync", await new Generic<int>().ConvertAsync(2.5) == 2.5);
var counter = new Counter();
counter.Increment();
Check("StructMethod", counter.Increment() == 2);
IScraper scraper = new ExplicitScraper();
Check("ExplicitInterface", scraper.Scrape(1) == 101);
Check("VirtualMethod", new BaseWorker().Work(2) == 2);
BaseWorker derived = new DerivedWorker();
Check("OverrideMethod", derived.Work(2) == 6);

await sink.ForceFlushAsync();
using (var reader = File.OpenText(args[0]))
{
    foreach (var group in EmfReader.Read(reader).GroupBy(r => (r.MetricName, Status: r.Dimensions.First(d => d.Name == "Status").Value)).OrderBy(g => g.Key.MetricName))
    {
        var count = group.Sum(r => r.Statistics?.SampleCount ?? r.Counts.Sum());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RECORDED {group.Key.MetricName[..^"Duration".Length]} {group.Key.Status} {count}"));
    }
}

Console.WriteLine($"CONFIGURATION {typeof(Shapes).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration}");
return failures == 0 ? 0 : 1;
