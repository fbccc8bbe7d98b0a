using System.Reflection;
using System.Runtime.CompilerServices;

namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// The package's namespace rule, read from the built assembly: what a consumer uses is public and lives in the root
/// namespace (the DI extensions in Microsoft.Extensions.DependencyInjection, as that convention wants); everything
/// else is internal and lives in its folder's namespace. The hand-written AWS clients are a means, never public.
/// </summary>
public class PublicSurfaceTests
{
    private static readonly Assembly Library = typeof(MetricRegistry).Assembly;

    private static IEnumerable<Type> Declared()
        => Library.GetTypes().Where(t => !t.IsNested && t.Namespace is not null && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null
            && !t.Namespace.StartsWith("System", StringComparison.Ordinal) && !t.Namespace.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));

    [Fact]
    public void Every_public_type_is_in_the_root_namespace()
    {
        var misplaced = Declared().Where(t => t.IsPublic && t.Namespace != "NbaSim.Observability" && t.Namespace != "Microsoft.Extensions.DependencyInjection").Select(t => t.FullName).ToList();
        misplaced.Should().BeEmpty();
        Declared().Where(t => t.IsPublic).Should().HaveCountGreaterThan(50, "the check looks at the real surface");
    }

    [Fact]
    public void Every_internal_type_is_in_a_folder_namespace()
    {
        // A source generator decides where its own types go (the options validator generator: next to the options).
        var misplaced = Declared().Where(t => !t.IsPublic && t.Namespace == "NbaSim.Observability" && t.GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>() is null)
            .Select(t => t.FullName).ToList();
        misplaced.Should().BeEmpty();
    }

    [Fact]
    public void No_AWS_client_or_wire_shape_is_public()
    {
        Declared().Where(t => t.Namespace!.StartsWith("NbaSim.Observability.Aws", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(t => !t.IsPublic);
        typeof(CloudWatchExporter).GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType.Namespace)
            .Should().NotContain(ns => ns != null && ns.StartsWith("NbaSim.Observability.Aws", StringComparison.Ordinal));
    }
}
