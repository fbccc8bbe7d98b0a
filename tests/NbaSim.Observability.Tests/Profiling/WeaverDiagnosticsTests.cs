using Fody;
using NbaSim.Observability.Fody;

namespace NbaSim.Observability.Tests.Profiling;

public class WeaverDiagnosticsTests
{
    private static readonly Lazy<global::Fody.TestResult> Result = new(() => new NbaSimProfilingWeaver().ExecuteTestRun(FixturePath(), runPeVerify: false));

    private static string FixturePath()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "NbaSim.Observability.WeavingFixtures", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", "NbaSim.Observability.WeavingFixtures.dll");
        return Path.GetFullPath(path);
    }

    [Theory]
    [InlineData("Iterator", "iterators run lazily")]
    [InlineData("AsyncIterator", "async iterators run lazily")]
    [InlineData("AsyncVoid", "async void methods cannot be awaited")]
    [InlineData("AbstractMethod", "abstract methods have no body")]
    [InlineData("EmptyName", "the operation name is empty")]
    [InlineData("ControlCharacter", "contains a control character")]
    [InlineData("ReservedNamespace", "starts with ':' or 'AWS/'")]
    [InlineData("DuplicateStatus", "the dimension 'Status' appears twice")]
    [InlineData("MalformedDimension", "is not of the form Name=Value")]
    [InlineData("WhitespaceNamespace", "the namespace is only whitespace")]
    [InlineData("WhitespaceDimensionName", "only whitespace")]
    [InlineData("WhitespaceDimensionValue", "only whitespace")]
    [InlineData("KindConflict", "is also created as a counter in this assembly (in NbaSim.Observability.WeavingFixtures.Misuses.TasksCounter(INbaMetrics))")]
    [InlineData("StaticReadonlyClash", "CtrClashDuration is also created as a counter in this assembly (in NbaSim.Observability.WeavingFixtures.Misuses.CtrClashCounter(INbaMetrics))")]
    [InlineData("DistributionUnitClash", "is also created as a distribution in Milliseconds in this assembly")]
    [InlineData("GaugeLambdaClash", "GaugeLambdaDuration is also created as a gauge in this assembly")]
    [InlineData("GaugeMethodGroupClash", "GaugeMethodGroupDuration is also created as a gauge in this assembly")]
    [InlineData("InitOptionsClash", "InitOptionsDuration is also created as a counter in this assembly")]
    public void Each_misuse_is_a_build_error_naming_the_method(string method, string expected)
    {
        Result.Value.Errors.Should().ContainSingle(e => e.Text.Contains($"Misuses.{method}(")).Which.Text.Should().Contain(expected);
    }

    [Fact]
    public void Valid_methods_in_the_same_assembly_are_still_woven_and_nothing_else_is_reported()
    {
        Result.Value.Errors.Should().HaveCount(18);
        Result.Value.Errors.Should().NotContain(e => e.Text.Contains("Misuses.RewrittenName("), "the field is changed through its address, so its literal is not its value");
        Result.Value.Errors.Should().NotContain(e => e.Text.Contains("Misuses.Valid("));
        Result.Value.Errors.Should().NotContain(e => e.Text.Contains("Misuses.NearMiss("), "two literals passed to a method that is not the metrics API say nothing about a metric");
        Result.Value.Errors.Should().NotContain(e => e.Text.Contains("Misuses.SameKind("), "a distribution in seconds is the profiled method's own kind");
        Result.Value.Assembly.GetType("<NbaSimProfiles>").Should().NotBeNull();
    }

    /// <summary>
    /// A .NET 10 runtime-async method (compiled with runtime-async=on: MethodImplAttributes.Async, no state machine)
    /// returns its result in IL; woven as a task-returning method it crashed every call. It is a build error instead.
    /// </summary>
    [Fact]
    public void A_runtime_async_method_is_a_build_error_naming_the_method()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"runtime-async-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(FixturePath())!, "*.dll"))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }

            var copy = Path.Combine(directory, Path.GetFileName(FixturePath()));
            using (var module = Mono.Cecil.ModuleDefinition.ReadModule(FixturePath()))
            {
                var valid = module.GetType("NbaSim.Observability.WeavingFixtures.Misuses").Methods.Single(m => m.Name == "Valid");
                valid.ImplAttributes |= (Mono.Cecil.MethodImplAttributes)0x2000;
                module.Write(copy);
            }

            var result = new NbaSimProfilingWeaver().ExecuteTestRun(copy, runPeVerify: false);
            result.Errors.Should().ContainSingle(e => e.Text.Contains("Misuses.Valid(")).Which.Text.Should().Contain("runtime-async");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
