using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using NbaSim.Observability.Tests.Packaging;

namespace NbaSim.Observability.Tests.Profiling;

/// <summary>
/// tests/NbaSim.Observability.WeavingCorpus, built in Debug and in Release, woven, run: every shape behaves as unwoven
/// code would (the JIT rejects invalid IL), and records the expected count under the expected status.
/// </summary>
[Collection(nameof(DotnetBuildSerial))]
public sealed class WeavingCorpusTests
{
    /// <summary>Operation, status, calls: what each shape must record.</summary>
    private static readonly (string Operation, string Status, int Count)[] Expected =
    [
        ("SyncVoid", "success", 2), ("SyncInt", "success", 1), ("SyncThrows", "failure", 1), ("SyncThrowsCancellation", "cancelled", 1),
        ("EndsInTryFinally", "failure", 1), ("FilterCatches", "success", 1), ("FilterPassesThrough", "failure", 1),
        ("ReturnsFromTry", "success", 3), ("ReturnsFromUsing", "success", 2), ("ReturnsFromLock", "success", 2),
        ("RefParameter", "success", 1), ("OutParameter", "success", 1), ("InParameter", "success", 1),
        ("ReturnsRefT", "success", 2), ("ReturnsRefTask", "success", 2), ("GenericMethod", "success", 2), ("StaticMethod", "success", 1),
        ("WithLambda", "success", 1), ("WithLocalFunction", "success", 1), ("StackallocSkipLocalsInit", "success", 1),
        ("PendingTaskCancelled", "cancelled", 1),
        ("SkipLocalsInitLocalFunction", "success", 1), ("InitSetter", "success", 1), ("RefReadonlyTask", "success", 1), ("RefReadonlyTaskOfT", "success", 1), ("RefReadonlyValueTaskOfT", "success", 1),
        ("TaskFaultedWithCancellation", "cancelled", 1), ("ValueTaskFaultedWithCancellation", "cancelled", 1),
        ("ValueTaskOfTFaultedWithCancellation", "cancelled", 1), ("TaskRunCancellation", "cancelled", 1),
        ("AsyncTask", "success", 2), ("AsyncTask", "failure", 1), ("AsyncTask", "cancelled", 1),
        ("AsyncTaskOfT", "success", 2), ("AsyncTaskOfT", "failure", 1), ("AsyncTaskOfT", "cancelled", 1),
        ("AsyncValueTask", "success", 2), ("AsyncValueTask", "failure", 1), ("AsyncValueTask", "cancelled", 1),
        ("AsyncValueTaskOfT", "success", 2), ("AsyncValueTaskOfT", "failure", 1), ("AsyncValueTaskOfT", "cancelled", 1),
        ("GenericClassMethod", "success", 2), ("GenericClassAsync", "success", 1), ("GenericMethodAsync", "success", 1),
        ("StructMethod", "success", 2), ("ExplicitInterface", "success", 1), ("VirtualMethod", "success", 2), ("OverrideMethod", "success", 1),

        // Shapes from the attack past the first corpus (issue 27).
        ("PropertyGetter", "success", 1), ("PropertySetter", "success", 1), ("IndexerGetter", "success", 1), ("EventAdd", "success", 1),
        ("Recursion", "success", 5), ("AwaitInCatchFinally", "success", 1), ("AwaitUsingForeach", "success", 1), ("FunctionPointer", "success", 1),
        ("RefStructSpan", "success", 1), ("RefStructMethod", "success", 4), ("RecordMethod", "success", 1), ("Operator", "success", 1),
        ("ExtensionMethod", "success", 1), ("ExtensionProperty", "success", 1), ("FalsePos", "success", 1),
        ("CustomBuilder", "success", 1), ("CustomBuilder", "failure", 1), ("OtherBuilder", "success", 1), ("ManyLocals", "success", 1), ("LongMethod", "success", 1),
        ("Finalizer", "success", 1), ("Threaded", "success", 800_000), ("PendingShared", "success", 101),
    ];

    [Theory]
    [InlineData("Debug")]
    [InlineData("Release")]
    public async Task Every_shape_runs_and_records_its_count_and_status(string configuration)
    {
        var ct = TestContext.Current.CancellationToken;
        var root = PackageConsumerTests.RepositoryRoot();
        var project = Path.Combine(root, "tests", "NbaSim.Observability.WeavingCorpus");
        var build = await PackageConsumerTests.RunAsync("dotnet", $"build \"{project}\" -c {configuration} --no-incremental", root, ct);
        build.ExitCode.Should().Be(0, build.Output);

        var output = Path.Combine(project, "bin", configuration, "net10.0");
        var emf = Path.Combine(Path.GetTempPath(), $"corpus-{configuration}-{Guid.NewGuid():N}.emf");
        var run = await PackageConsumerTests.RunAsync("dotnet", $"\"{Path.Combine(output, "NbaSim.Observability.WeavingCorpus.dll")}\" \"{emf}\"", root, ct);
        File.Delete(emf);

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().Contain($"CONFIGURATION {configuration}");
        lines.Where(l => l.StartsWith("CHECK ", StringComparison.Ordinal)).Should().HaveCountGreaterThan(60).And.OnlyContain(l => l.EndsWith(" ok", StringComparison.Ordinal), run.Output);
        run.ExitCode.Should().Be(0, run.Output);
        var recorded = lines.Where(l => l.StartsWith("RECORDED ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (Operation: p[1], Status: p[2], Count: int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        recorded.Should().BeEquivalentTo(Expected, "each shape records exactly its calls under its status");
        Expected.Select(e => e.Operation).Distinct().Should().HaveCountGreaterThanOrEqualTo(30);

        AssertInjectedCodeIsHidden(Path.Combine(output, "NbaSim.Observability.WeavingCorpus.dll"), Path.Combine(output, "NbaSim.Observability.WeavingCorpus.pdb"));
        AssertSkipLocalsInitIsKept(Path.Combine(output, "NbaSim.Observability.WeavingCorpus.dll"));
    }

    /// <summary>A woven method under [SkipLocalsInit], its own or its enclosing member's, keeps the header without localsinit.</summary>
    private static void AssertSkipLocalsInitIsKept(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = pe.GetMetadataReader();
        var checkedMethods = metadata.MethodDefinitions.Select(metadata.GetMethodDefinition)
            .Where(m => metadata.GetString(m.Name) is var name && (name == "StackallocSkipLocalsInit" || name.StartsWith("<SkipLocalsInitOuter>g__SkipLocalsInitInner", StringComparison.Ordinal)))
            .Select(m => (Name: metadata.GetString(m.Name), InitLocals: pe.GetMethodBody(m.RelativeVirtualAddress).LocalVariablesInitialized))
            .ToList();
        checkedMethods.Should().HaveCount(2).And.OnlyContain(m => !m.InitLocals, "the compiler emits these without localsinit, and the weaver must not add it");
    }

    /// <summary>The prologue the weaver puts at offset 0 of every synchronous profiled method is under a hidden sequence point.</summary>
    private static void AssertInjectedCodeIsHidden(string assembly, string pdb)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = pe.GetMetadataReader();
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
        var debug = pdbProvider.GetMetadataReader();
        var checkedMethods = 0;
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            bool Has(string attribute) => method.GetCustomAttributes().Any(a =>
            {
                var ctor = metadata.GetCustomAttribute(a).Constructor;
                return ctor.Kind == HandleKind.MemberReference
                    && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)metadata.GetMemberReference((MemberReferenceHandle)ctor).Parent).Name) == attribute;
            });

            // Async methods are woven in their state machine; a C# 14 extension skeleton is never called and not woven.
            if (!Has("ProfilePerformanceAttribute") || Has("AsyncStateMachineAttribute") || Has("ExtensionMarkerAttribute"))
            {
                continue;
            }

            var points = debug.GetMethodDebugInformation(MetadataTokens.MethodDebugInformationHandle(MetadataTokens.GetRowNumber(handle))).GetSequencePoints().ToList();
            points.Should().NotBeEmpty();
            var first = points.OrderBy(p => p.Offset).First();
            first.Offset.Should().Be(0, metadata.GetString(method.Name));
            first.IsHidden.Should().BeTrue($"the woven prologue of {metadata.GetString(method.Name)} is not a line of the user's source");
            points.Where(p => !p.IsHidden).Should().NotBeEmpty("the original lines stay steppable");
            checkedMethods++;
        }

        checkedMethods.Should().BeGreaterThan(20);
    }
}

/// <summary>Tests that run dotnet build or pack on the repository's projects run one at a time (obj/ is shared).</summary>
[CollectionDefinition(nameof(DotnetBuildSerial))]
public sealed class DotnetBuildSerial;
