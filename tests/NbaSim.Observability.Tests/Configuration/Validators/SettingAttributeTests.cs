using System.Reflection;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Tests.Configuration.Validators;

/// <summary>The single-setting rules are attributes checked by the generated validator; each message names key, value and limit, once.</summary>
public class SettingAttributeTests
{
    public static TheoryData<string, string> Broken => new()
    {
        { "FlushInterval", "NbaObservability:FlushInterval is 00:00:00.0500000; it must be between 00:00:00.1000000 and 01:00:00." },
        { "MaxQueuedDatums", "NbaObservability:MaxQueuedDatums is 999; it must be between 1,000 and 10,000,000." },
        { "CloudWatch:MaxRetries", "NbaObservability:CloudWatch:MaxRetries is 11; it must be between 0 and 10." },
        { "CloudWatch:MaxConcurrentRequests", "NbaObservability:CloudWatch:MaxConcurrentRequests is 17; it must be between 1 and 16." },
        { "CloudWatch:Protocol", "NbaObservability:CloudWatch:Protocol is '7'; use Json or Query." },
        { "Exporter", "NbaObservability:Exporter is '9'; use Emf, CloudWatch or Otlp." },
        { "Emf:Format", "NbaObservability:Emf:Format is '4'; use Exact or Strict." },
        { "S3Inventory:MaxPrefixes", "NbaObservability:S3Inventory:MaxPrefixes is 0; it must be between 1 and 1,000." },
        { "Cost:RefreshInterval", "NbaObservability:Cost:RefreshInterval is 00:01:00; it must be between 00:05:00 and 7.00:00:00." },
        { "Cost:ServiceUrl", "NbaObservability:Cost:ServiceUrl is 'ftp://***@cost.example/'; it must be an absolute http or https URL." },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_setting_gives_one_message_with_its_key_value_and_limit(string setting, string expected)
    {
        var options = new NbaObservabilityOptions();
        Break(options, setting);

        var result = new NbaObservabilityOptionsValidator().Validate(Options.DefaultName, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should().Be(expected);
        string.Join(" ", result.Failures).Should().NotContain("secret");
    }

    [Fact]
    public void The_defaults_are_valid_and_the_bounds_themselves_are_accepted()
    {
        new NbaObservabilityOptionsValidator().Validate(null, new NbaObservabilityOptions()).Succeeded.Should().BeTrue();
        var edges = new NbaObservabilityOptions { FlushInterval = TimeSpan.FromMilliseconds(100), MaxQueuedDatums = 10_000_000, ShutdownTimeout = TimeSpan.Zero };
        edges.CloudWatch.MaxRetries = 10;
        edges.CloudWatch.MaxConcurrentRequests = 16;
        edges.Cost.RefreshInterval = TimeSpan.FromDays(7);
        new NbaObservabilityOptionsValidator().Validate(null, edges).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void The_exporter_constructor_and_the_options_give_the_same_concurrency_message()
    {
        var options = new NbaObservabilityOptions();
        options.CloudWatch.MaxConcurrentRequests = 0;
        var fromOptions = new NbaObservabilityOptionsValidator().Validate(null, options).Failures!.Single();

        NbaObservabilityOptionsValidator.CheckMaxConcurrentRequests(0).Should().Be(fromOptions);
        NbaObservabilityOptionsValidator.CheckMaxConcurrentRequests(16).Should().BeNull();
    }

    [Fact]
    public void Every_scalar_setting_documents_its_default_in_a_value_element()
    {
        var assembly = typeof(NbaObservabilityOptions).Assembly;
        var xml = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));
        var documented = xml.Descendants("member")
            .Where(m => m.Element("value") is { } v && v.Value.Contains("The default value is", StringComparison.Ordinal))
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet();
        var optionTypes = SettingsTypes(typeof(NbaObservabilityOptions), []);

        var missing = optionTypes
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsScalar(p.PropertyType)))
            .Select(p => $"P:{p.DeclaringType!.FullName}.{p.Name}")
            .Where(id => !documented.Contains(id))
            .ToList();

        missing.Should().BeEmpty("each setting says its default as <value>The default value is …</value>");
    }

    /// <summary>Every class bound under <c>NbaObservability</c>: the options and, recursively, the types of their properties and list items.</summary>
    private static HashSet<Type> SettingsTypes(Type type, HashSet<Type> seen)
    {
        if (type.Assembly != typeof(NbaObservabilityOptions).Assembly || !type.IsClass || !seen.Add(type))
        {
            return seen;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var t = property.PropertyType;
            SettingsTypes(t.IsGenericType ? t.GetGenericArguments()[^1] : t, seen);
        }

        return seen;
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(List<string>);
    }

    private static void Break(NbaObservabilityOptions o, string setting)
    {
        switch (setting)
        {
            case "FlushInterval": o.FlushInterval = TimeSpan.FromMilliseconds(50); break;
            case "MaxQueuedDatums": o.MaxQueuedDatums = 999; break;
            case "CloudWatch:MaxRetries": o.CloudWatch.MaxRetries = 11; break;
            case "CloudWatch:MaxConcurrentRequests": o.CloudWatch.MaxConcurrentRequests = 17; break;
            case "CloudWatch:Protocol": o.CloudWatch.Protocol = (CloudWatchProtocol)7; break;
            case "Exporter": o.Exporter = (MetricExporterKind)9; break;
            case "Emf:Format": o.Emf.Format = (EmfFormat)4; break;
            case "S3Inventory:MaxPrefixes": o.S3Inventory.MaxPrefixes = 0; break;
            case "Cost:RefreshInterval": o.Cost.RefreshInterval = TimeSpan.FromMinutes(1); break;
            case "Cost:ServiceUrl": o.Cost.ServiceUrl = "ftp://user:secret@cost.example/"; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }
    }
}
