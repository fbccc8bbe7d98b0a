using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Configuration.Schema;

namespace NbaSim.Observability.Tests.Configuration.Schema;

public class ConfigurationCheckTests
{
    [Theory]
    [InlineData("Exportr", "CloudWatch", "NbaObservability:Exportr is not a setting and is ignored; did you mean NbaObservability:Exporter?")]
    [InlineData("CloudWatch:Regoin", "us-east-1", "NbaObservability:CloudWatch:Regoin is not a setting and is ignored; did you mean NbaObservability:CloudWatch:Region?")]
    [InlineData("ClodWatch:Region", "us-east-1", "NbaObservability:ClodWatch is not a setting and is ignored; did you mean NbaObservability:CloudWatch?")]
    [InlineData("Meters:0:Namespce", "NBA-Simulator/Web", "NbaObservability:Meters:0:Namespce is not a setting and is ignored; did you mean NbaObservability:Meters:0:Namespace?")]
    [InlineData("Schedule:Cost:Enabeld", "true", "NbaObservability:Schedule:Cost:Enabeld is not a setting and is ignored; did you mean NbaObservability:Schedule:Cost:Enabled?")]
    [InlineData("Spool:Zzz", "1", "NbaObservability:Spool:Zzz is not a setting and is ignored; the settings under NbaObservability:Spool are Directory, MaxBytes.")]
    public async Task A_key_that_is_no_setting_is_a_start_up_warning_naming_the_closest_one(string key, string value, string warning)
    {
        var (host, logs) = StartHost(new() { [key] = value, ["Emf:Path"] = "-", ["Meters:0:Name"] = "Test.Meter" });
        await using (host)
        {
            logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).Should().Equal(warning);
        }
    }

    [Fact]
    public void When_validation_fails_the_unknown_keys_are_named_beside_the_failure()
    {
        using var provider = Provider(new() { ["Meters:0:Nmae"] = "Microsoft.AspNetCore.Hosting" });

        var resolve = () => provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(
            "NbaObservability:Meters:0:Name is ''; expected a meter name, or a prefix ending in '*'.",
            "NbaObservability:Meters:0:Nmae is not a setting and is ignored; did you mean NbaObservability:Meters:0:Name?");
    }

    [Fact]
    public void A_value_where_a_section_belongs_names_the_settings_to_set_and_a_list_item_of_any_key_is_quiet()
    {
        var warnings = ConfigurationCheck.UnknownKeys(Section(new() { ["Meters:0"] = "Microsoft.AspNetCore.Hosting", ["S3Inventory:Buckets:first"] = "b1", ["Zzzzzz"] = "1" }));

        warnings.Should().Equal(
            "NbaObservability:Meters:0 has a value, but it is a section and the value is ignored; set its settings instead: NbaObservability:Meters:0:Name, NbaObservability:Meters:0:Namespace, NbaObservability:Meters:0:Instruments, NbaObservability:Meters:0:Dimensions.",
            "NbaObservability:Zzzzzz is not a setting and is ignored; the settings under NbaObservability are Enabled, Exporter, SecondaryExporter, FlushInterval, AggregationPeriod, HighResolutionByDefault, MaxSeriesPerNamespace, MaxQueuedDatums, MaxDatumsPerBatch, MaxBatchBytes, ShutdownTimeout, ObservableGaugeTimeout, Emf, CloudWatch, Otlp, Spool, Meters, S3Inventory, Cost, Dims, Monitoring, Schedule.");
    }

    [Fact]
    public void A_misspelt_section_is_reported_once_not_once_per_key_under_it()
    {
        var warnings = ConfigurationCheck.UnknownKeys(Section(new() { ["Cloudwach:Region"] = "x", ["Cloudwach:MaxRetries"] = "1", ["Cloudwach:Protocol"] = "Json" }));

        warnings.Should().Equal("NbaObservability:Cloudwach is not a setting and is ignored; did you mean NbaObservability:CloudWatch?");
    }

    [Fact]
    public void Every_kind_of_valid_key_is_quiet_including_list_items_dictionary_keys_and_any_casing()
    {
        var warnings = ConfigurationCheck.UnknownKeys(Section(new()
        {
            ["exporter"] = "cloudwatch",
            ["CLOUDWATCH:REGION"] = "us-east-1",
            ["Meters:0:Name"] = "Microsoft.AspNetCore.Hosting",
            ["Meters:0:Instruments:0"] = "http.server.request.duration",
            ["Meters:3:Dimensions"] = "http.route,http.request.method",
            ["S3Inventory:Buckets"] = "a,b",
            ["S3Inventory:Buckets:1"] = "c",
            ["Dims:Mappings:0:Dimensions:Environment"] = "prod",
            ["Dims:Mappings:0:Unit"] = "Bytes",
            ["Monitoring:ProfiledOperations:0"] = "GameSimulation",
            ["Schedule:Dims:Interval"] = "06:00:00",
        }));

        warnings.Should().BeEmpty();
    }

    [Theory]
    [InlineData("AggregationPeriod", "abc", "NbaObservability:AggregationPeriod is 'abc'; expected a time span as [d.]hh:mm:ss[.fff], e.g. 00:01:00 for one minute.")]
    [InlineData("Exporter", "CloudWach", "NbaObservability:Exporter is 'CloudWach'; expected one of Emf, CloudWatch, Otlp (did you mean CloudWatch?).")]
    [InlineData("CloudWatch:Protocol", "xml", "NbaObservability:CloudWatch:Protocol is 'xml'; expected one of Json, Query.")]
    [InlineData("MaxQueuedDatums", "10k", "NbaObservability:MaxQueuedDatums is '10k'; expected a whole number from -2147483648 to 2147483647, e.g. 100.")]
    [InlineData("MaxQueuedDatums", "3000000000", "NbaObservability:MaxQueuedDatums is '3000000000'; expected a whole number from -2147483648 to 2147483647, e.g. 100.")]
    [InlineData("Enabled", "yes", "NbaObservability:Enabled is 'yes'; expected true or false.")]
    [InlineData("Cost:MonthlyBudgetUsd", "150,5", "NbaObservability:Cost:MonthlyBudgetUsd is '150,5'; expected a number with a '.' decimal point, e.g. 150.00.")]
    [InlineData("Meters:0:Name", "ok", null)]
    [InlineData("Spool:MaxBytes", "0x10000000", "NbaObservability:Spool:MaxBytes is '0x10000000'; expected a whole number, e.g. 268435456.")]
    [InlineData("Spool:MaxBytes", "268435456", null)]
    [InlineData("Schedule:Jitter", "0.25", null)]
    public void A_value_the_binder_cannot_convert_stops_the_host_with_one_line_naming_key_value_and_form(string key, string value, string? expected)
    {
        using var provider = Provider(new() { [key] = value });

        var resolve = () => provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;

        if (expected is null)
        {
            resolve.Should().NotThrow();
            return;
        }

        var thrown = resolve.Should().Throw<OptionsValidationException>().Which;
        thrown.Failures.Should().Equal(expected);
        thrown.Message.Should().Be(expected).And.NotContain("\n");
        thrown.InnerException.Should().BeNull("the binder's FormatException and its stack are not what the reader needs");
    }

    [Fact]
    public async Task A_host_with_a_bad_value_fails_to_start_with_the_one_line_message_and_before_the_binder_runs()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["NbaObservability:AggregationPeriod"] = "abc", ["NbaObservability:Emf:Path"] = "-" });
        builder.Services.AddNbaObservability(builder.Configuration);
        using var host = builder.Build();

        var start = () => host.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Be("NbaObservability:AggregationPeriod is 'abc'; expected a time span as [d.]hh:mm:ss[.fff], e.g. 00:01:00 for one minute.");
    }

    [Fact]
    public void CloudWatch_without_any_region_names_the_setting_and_the_variables_instead_of_the_sdk_message()
    {
        Environment.GetEnvironmentVariable("AWS_REGION").Should().BeNull("this machine's test runs have no region in the environment");
        Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION").Should().BeNull();
        File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "config")).Should().BeFalse("nor an AWS profile");
        var options = new NbaObservabilityOptions { Exporter = MetricExporterKind.CloudWatch };

        var create = () => NbaSim.Observability.Export.CloudWatch.CloudWatchClientFactory.CreateConfig(options.CloudWatch);

        var thrown = create.Should().Throw<OptionsValidationException>().Which;
        thrown.Message.Should().StartWith("NbaObservability:CloudWatch:Region is not set").And.Contain("AWS_REGION").And.Contain("AWS_DEFAULT_REGION").And.NotContain("\n");
    }

    [Fact]
    public void The_schema_lists_exactly_the_settings_the_options_types_have()
    {
        var fromTypes = new SortedSet<string>(StringComparer.Ordinal);
        Collect(typeof(NbaObservabilityOptions), string.Empty, fromTypes);

        ConfigurationSchema.Settings.Select(s => $"{s.Key} {s.Type}").Should().BeEquivalentTo(fromTypes);
    }

    [Fact]
    public void Enum_settings_list_their_names_from_the_enum_itself()
    {
        ConfigurationSchema.Settings.Where(s => s.Type == SettingType.Enum).Should().AllSatisfy(s => s.Names.Should().NotBeNullOrEmpty());
        ConfigurationSchema.Settings.Single(s => s.Key == "Exporter").Names.Should().Equal(Enum.GetNames<MetricExporterKind>());
    }

    [Theory]
    [InlineData("Exportr", "Exporter", 1)]
    [InlineData("Hostng", "Hosting", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Edit_distance_is_levenshtein(string a, string b, int distance)
        => NbaSim.Observability.Internal.EditDistance.Between(a, b).Should().Be(distance);

    /// <summary>Key → setting type, from the options' public settable properties (the binder's view).</summary>
    private static void Collect(Type type, string prefix, SortedSet<string> into)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = prefix + property.Name;
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(List<string>))
            {
                into.Add($"{key} {SettingType.TextList}");
            }
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
            {
                Collect(t.GetGenericArguments()[0], key + ":*:", into);
            }
            else if (t == typeof(Dictionary<string, string>))
            {
                into.Add($"{key}:* {SettingType.Text}");
            }
            else if (t.IsClass && t != typeof(string))
            {
                Collect(t, key + ":", into);
            }
            else
            {
                into.Add($"{key} {Type(t)}");
            }
        }
    }

    private static SettingType Type(Type t)
        => t.IsEnum ? SettingType.Enum
        : t == typeof(bool) ? SettingType.Boolean
        : t == typeof(int) ? SettingType.Integer
        : t == typeof(long) ? SettingType.Long
        : t == typeof(double) ? SettingType.Number
        : t == typeof(decimal) ? SettingType.Decimal
        : t == typeof(TimeSpan) ? SettingType.TimeSpan
        : t == typeof(string) ? SettingType.Text
        : throw new InvalidOperationException($"no setting type for {t}");

    private static IConfigurationSection Section(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => "NbaObservability:" + v.Key, v => v.Value)).Build().GetSection("NbaObservability");

    private static ServiceProvider Provider(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddNbaObservability(Section(values));
        return services.BuildServiceProvider();
    }

    private static (ServiceProvider Host, FakeLogCollector Logs) StartHost(Dictionary<string, string?> values)
    {
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(new FakeLoggerProvider(collector)));
        services.AddNbaObservability(Section(values));
        var provider = services.BuildServiceProvider();
        _ = provider.GetServices<IHostedService>().ToList();
        return (provider, collector);
    }
}
