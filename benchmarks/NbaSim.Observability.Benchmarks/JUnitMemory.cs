using System.Diagnostics;
using System.Globalization;
using System.Text;
using NbaSim.Observability.Cli.CiCd;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// Peak memory while <c>nbaobs publish tests</c> reads a JUnit report of a given size: the reader streams, so the heap
/// must stay far below the file's size (it keeps 8 bytes per test for the duration distribution).
/// Usage: dotnet run -c Release --project benchmarks/NbaSim.Observability.Benchmarks -- junit-memory 5 50
/// </summary>
internal static class JUnitMemory
{
    public static int Run(string[] sizesMb)
    {
        Console.WriteLine("file size      tests   seconds   peak managed heap   peak working set");
        foreach (var megabytes in sizesMb.Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
        {
            var path = Path.Combine(Path.GetTempPath(), $"junit-{megabytes}mb-{Environment.ProcessId}.xml");
            var tests = Generate(path, megabytes * 1024L * 1024);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var baseline = GC.GetTotalMemory(true);
            long peakHeap = 0, peakWorkingSet = 0;
            using var done = new CancellationTokenSource();
            var sampler = Task.Run(() =>
            {
                using var process = Process.GetCurrentProcess();
                while (!done.IsCancellationRequested)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                    process.Refresh();
                    peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                    Thread.Sleep(5);
                }
            });
            var watch = Stopwatch.StartNew();
            var report = TestReportReader.ReadJUnit(path);
            watch.Stop();
            done.Cancel();
            sampler.Wait();
            var size = new FileInfo(path).Length;
            File.Delete(path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size / 1048576.0,6:F1} MB {report.TestSeconds.Count,10:N0} {watch.Elapsed.TotalSeconds,9:F2} {(peakHeap - baseline) / 1048576.0,15:F1} MB {peakWorkingSet / 1048576.0,15:F1} MB"));
            if (report.TestSeconds.Count != tests || peakHeap - baseline >= size / 2)
            {
                Console.Error.WriteLine($"expected {tests} tests and a heap well under the file's size");
                return 1;
            }
        }

        return 0;
    }

    /// <summary>A pytest-like report: one suite, test cases with captured output; every 20th fails, every 50th is skipped.</summary>
    private static long Generate(string path, long bytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" errors=\"0\" failures=\"0\" skipped=\"0\" tests=\"0\" time=\"3600.0\">\n");
        var output = new string('x', 300);
        long i = 0;
        while (writer.BaseStream.Position < bytes)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"<testcase classname=\"tests.test_scraper\" name=\"test_game_{i}\" time=\"{(i % 997) / 1000.0:0.000}\">"));
            if (i % 20 == 0)
            {
                writer.Write("<failure message=\"assert False\">assert False</failure>");
            }
            else if (i % 50 == 1)
            {
                writer.Write("<skipped message=\"no data\"/>");
            }

            writer.Write("<system-out>" + output + "</system-out></testcase>\n");
            i++;
        }

        writer.Write("</testsuite></testsuites>\n");
        return i;
    }
}
