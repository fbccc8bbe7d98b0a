using System.Diagnostics;
using System.Globalization;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// The async woven path against hand-written timing, measured in pairs: rounds of many calls of one, then the other
/// (alternating which goes first), in one process. Drift of the machine (this VM's neighbours, frequency) hits both
/// sides of a pair alike, so the paired differences are steadier than two separate BenchmarkDotNet rows.
/// Usage: async-pairs [rounds=41] [calls=200000]. Results: docs/performance.md ("The async woven path").
/// </summary>
internal static class AsyncPairs
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 41;
        var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var b = new WeavingBenchmarks();
        b.Setup();
        Compare("Task<T> suspended, inline resume", rounds, calls, () => b.TaskInlineHand().Result, () => b.TaskInlineWoven().Result, () => b.TaskInlinePlain().Result);
        Compare("ValueTask<T> suspended, inline resume", rounds, calls, () => Completed(b.ValueTaskInlineHand()), () => Completed(b.ValueTaskInlineWoven()), () => Completed(b.ValueTaskInlinePlain()));
        Compare("Task<T> via the thread pool (Task.Yield)", rounds, calls / 20, () => b.TaskAsyncHand().GetAwaiter().GetResult(), () => b.TaskAsyncWoven().GetAwaiter().GetResult(), () => b.TaskAsyncPlain().GetAwaiter().GetResult());
        Compare("ValueTask<T> via the thread pool (Task.Yield)", rounds, calls / 20, () => b.ValueTaskAsyncHand().AsTask().GetAwaiter().GetResult(), () => b.ValueTaskAsyncWoven().AsTask().GetAwaiter().GetResult(), () => b.ValueTaskAsyncPlain().AsTask().GetAwaiter().GetResult());
        return 0;
    }

    private static void Compare(string name, int rounds, int calls, Func<int> hand, Func<int> woven, Func<int> plain)
    {
        for (var i = 0; i < 3; i++)
        {
            Time(hand, calls);
            Time(woven, calls);
            Time(plain, calls);
        }

        var h = new double[rounds];
        var w = new double[rounds];
        var p = new double[rounds];
        var difference = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            if (r % 2 == 0)
            {
                h[r] = Time(hand, calls);
                w[r] = Time(woven, calls);
            }
            else
            {
                w[r] = Time(woven, calls);
                h[r] = Time(hand, calls);
            }

            p[r] = Time(plain, calls);
            difference[r] = w[r] - h[r];
        }

        var sorted = difference.Order().ToArray();
        var (q1, median, q3) = (sorted[rounds / 4], sorted[rounds / 2], sorted[3 * rounds / 4]);
        var mean = difference.Average();
        var sd = Math.Sqrt(difference.Sum(d => (d - mean) * (d - mean)) / (rounds - 1));
        var ci = 1.96 * sd / Math.Sqrt(rounds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {rounds} rounds of {calls:N0} calls"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  plain        median {Median(p),8:F1} ns/call"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  hand-written median {Median(h),8:F1} ns/call"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  woven        median {Median(w),8:F1} ns/call   woven ÷ hand (medians) {Median(w) / Median(h):F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  woven − hand, paired: median {median:F1} ns (IQR {q1:F1} … {q3:F1}), mean {mean:F1} ± {ci:F1} ns (95 %), SD {sd:F1} ns"));
    }

    /// <summary>The result of a ValueTask that resumed inline and so has completed by the time the call returns.</summary>
    private static int Completed(ValueTask<int> task) => task.IsCompleted ? task.Result : throw new InvalidOperationException("expected a completed ValueTask");

    private static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);

    private static double Time(Func<int> call, int calls)
    {
        var sink = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            sink += call();
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        GC.KeepAlive(sink);
        return elapsed.TotalNanoseconds / calls;
    }
}
