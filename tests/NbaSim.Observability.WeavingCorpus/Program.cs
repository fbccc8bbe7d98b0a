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

// ---- shapes from the attack past the first corpus (issue 27) ----
var t = new AttackedShapes();
t.Value = 5;
Check("PropertyGetterSetter", t.Value == 5);
Check("IndexerGetter", t[2] == 30);
t.Changed += (_, _) => { };
Check("EventAdd", t.Listeners == 1);
Check("Recursion", t.Factorial(5) == 120);
Check("AwaitInCatchFinally", await t.AwaitInCatchFinally() == 2);
Check("AwaitUsingForeach", await t.AwaitUsingForeach() == 106);
Check("FunctionPointer", t.FunctionPointer(21) == 42);
Check("RefStructSpan", t.RefStructSpan([1, 2, 3]) == 6);
var cursor = new Cursor([4, 5, 6]);
var cursorSum = 0;
while (cursor.Next(out var item))
{
    cursorSum += item;
}

Check("RefStructMethod", cursorSum == 15);
var score = new Score(100, 90) + new Score(10, 5);
Check("RecordAndOperator", score.Margin() == 15);
Check("ExtensionMethod", "abcd".DoubledLength() == 8);
Check("ExtensionProperty", "abcd".HalfLength == 2);
var holderFields = typeof(Shapes).Assembly.GetType("<NbaSimProfiles>")!.GetFields(BindingFlags.NonPublic | BindingFlags.Static).Select(f => f.Name).ToList();
Check("ExtensionMembersWovenOnce", holderFields.Count(f => f.EndsWith("_DoubledLength", StringComparison.Ordinal)) == 1 && holderFields.Count(f => f.EndsWith("_get_HalfLength", StringComparison.Ordinal)) == 1, string.Join(",", holderFields));
Check("FalsePos", t.FalsePos(registry) == 1 && AttackedShapes.LastLog.Length > 0);
await t.CustomBuilder(fail: false);
await ThrowsAsync<InvalidOperationException>("CustomBuilder.faulted", () => t.CustomBuilder(fail: true));
Check("CustomBuilder.builderUsed", TracingBuilder.Completions == 2, TracingBuilder.Completions.ToString(CultureInfo.InvariantCulture));
await t.OtherBuilder();
Check("OtherBuilder", AttackedShapes.Handed is { IsCompletedSuccessfully: true });
Check("ManyLocals", LargeShapes.ManyLocals(1) == (300 * 1) + (299 * 300 / 2));
Check("LongMethod", LargeShapes.LongMethod(1) != 0);
CreateFinalized();
GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
Check("Finalizer", Volatile.Read(ref Finalized.Runs) == 1, Finalized.Runs.ToString(CultureInfo.InvariantCulture));
var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
{
    for (var i = 0; i < 100_000; i++)
    {
        AttackedShapes.Threaded(i);
    }
})).ToList();
threads.ForEach(th => th.Start());
threads.ForEach(th => th.Join());

// A pending task shared by many callers (=> _ready.Task). Track registers a ContinueWith(ExecuteSynchronously)
// continuation, not an await continuation: a task runs only its first await continuation inline and queues the rest
// to the thread pool, so an await-style tracker registered before the caller's own await would move the caller's
// continuation off the completing thread. Checked here: the caller still resumes inline, and a call costs at most the
// documented 168 B (README, docs/performance.md), measured on a thread of its own.
var perCall = double.NaN;
var completingThread = 0;
var resumedThread = -1;
var owner = new AttackedShapes();
async Task AwaitShared()
{
    await owner.PendingShared().ConfigureAwait(false);
    resumedThread = Environment.CurrentManagedThreadId;
}

var caller = AwaitShared();
var pendingThread = new Thread(() =>
{
    var shared = new AttackedShapes();
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    for (var i = 0; i < 100; i++)
    {
        _ = shared.PendingShared();
    }

    perCall = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 100.0;
    shared.Ready();
    completingThread = Environment.CurrentManagedThreadId;
    owner.Ready();
});
pendingThread.Start();
pendingThread.Join();
await caller;
Check("PendingShared.allocation", perCall <= 168, $"{perCall:0.#} B per call");
Check("PendingShared.callerResumesInline", resumedThread == completingThread, $"completed on {completingThread}, caller resumed on {resumedThread}");

await sink.ForceFlushAsync();
using (var reader = File.OpenText(args[0]))
{
    foreach (var group in EmfReader.Read(reader).Where(r => r.Dimensions.Any(d => d.Name == "Status")).GroupBy(r => (r.MetricName, Status: r.Dimensions.First(d => d.Name == "Status").Value)).OrderBy(g => g.Key.MetricName))
    {
        var count = group.Sum(r => r.Statistics?.SampleCount ?? r.Counts.Sum());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RECORDED {group.Key.MetricName[..^"Duration".Length]} {group.Key.Status} {count}"));
    }
}

Console.WriteLine($"CONFIGURATION {typeof(Shapes).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration}");
return failures == 0 ? 0 : 1;

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void CreateFinalized() => _ = new Finalized();
