using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using NbaSim.Observability.Cli.Input;
using NbaSim.Observability.MonitoringAsCode;

namespace NbaSim.Observability.Cli.MonitoringAsCode;

/// <summary>
/// Reads the <c>[ProfilePerformance]</c> operations of a built application assembly from its metadata, without loading
/// it (no code of the app runs, and its dependencies need not be present): operation, dimensions and namespace, in the
/// form of <c>Monitoring:ProfiledOperations</c>.
/// </summary>
internal static class ProfiledOperationReader
{
    private const string Hint = "pass your application's built assembly, e.g. bin/Release/net10.0/MyApp.dll.";

    public static IReadOnlyList<ProfiledOperation> Read(string path)
    {
        var bytes = InputFile.ReadAll("--assembly", path, InputFile.MaxAssemblyBytes, Hint);
        var full = Path.GetFullPath(path);
        try
        {
            using var pe = new PEReader(ImmutableArray.Create(bytes));
            if (!pe.HasMetadata)
            {
                throw new CliInputException($"--assembly {full} is not a .NET assembly (it has no metadata); {Hint}");
            }

            var reader = pe.GetMetadataReader();
            var found = new List<ProfiledOperation>();
            foreach (var handle in reader.CustomAttributes)
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (attribute.Parent.Kind == HandleKind.MethodDefinition && IsProfilePerformance(reader, attribute) && Decode(attribute, full) is { } operation)
                {
                    found.Add(operation);
                }
            }

            return [.. found.DistinctBy(op => op.ToString()).OrderBy(op => op.ToString(), StringComparer.Ordinal)];
        }
        catch (BadImageFormatException ex)
        {
            throw new CliInputException($"--assembly {full} is not a .NET assembly ({ex.Message}); {Hint}", ex);
        }
    }

    private static bool IsProfilePerformance(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false; // a constructor defined in the same assembly: not ours
        }

        var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        return reader.StringComparer.Equals(type.Name, nameof(ProfilePerformanceAttribute))
            && reader.StringComparer.Equals(type.Namespace, typeof(ProfilePerformanceAttribute).Namespace!);
    }

    /// <summary>The operation, or <see langword="null"/> for an attribute of that name with another shape (not ours).</summary>
    private static ProfiledOperation? Decode(CustomAttribute attribute, string path)
    {
        CustomAttributeValue<string> value;
        try
        {
            value = attribute.DecodeValue(new TypeNames());
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException)
        {
            throw new CliInputException($"--assembly {path} has a [ProfilePerformance] attribute whose arguments cannot be read ({ex.Message}); {Hint}", ex);
        }

        if (value.FixedArguments is not [{ Value: string operation }])
        {
            return null;
        }

        var ns = ProfilePerformanceAttribute.DefaultNamespace;
        var dimensions = new List<MetricDimension>();
        foreach (var named in value.NamedArguments)
        {
            if (named.Name == nameof(ProfilePerformanceAttribute.Namespace) && named.Value is string text)
            {
                ns = text;
            }
            else if (named.Name == nameof(ProfilePerformanceAttribute.Dimensions) && named.Value is ImmutableArray<CustomAttributeTypedArgument<string>> items)
            {
                foreach (var item in items)
                {
                    // "Name=Value", as the weaver reads it (it refuses anything else at build time).
                    if (item.Value is string pair && pair.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals)
                    {
                        dimensions.Add(new MetricDimension(pair[..equals], pair[(equals + 1)..]));
                    }
                }
            }
        }

        return new ProfiledOperation(ns, operation, dimensions);
    }

    /// <summary>Names types by their full name: all the attribute's arguments need (strings, string arrays, booleans).</summary>
    private sealed class TypeNames : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
