using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NbaSim.Observability.Configuration;

/// <summary>
/// A list given in configuration replaces the default list. The configuration binder appends to a list that already has
/// items, so <c>S3Inventory:Buckets:0=my-bucket</c> would otherwise also keep the default bucket.
/// </summary>
internal static class ConfiguredLists
{
    public static void Apply(NbaObservabilityOptions options, IConfiguration section)
    {
        Replace(section, "S3Inventory:Buckets", v => options.S3Inventory.Buckets = v);
        Replace(section, "Monitoring:AlertEmails", v => options.Monitoring.AlertEmails = v);
        Replace(section, "Monitoring:AlertPhoneNumbers", v => options.Monitoring.AlertPhoneNumbers = v);
        Replace(section, "Monitoring:ProfiledOperations", v => options.Monitoring.ProfiledOperations = v);
        Replace(section, "Monitoring:TestSuites", v => options.Monitoring.TestSuites = v);
        Replace(section, "Monitoring:Pipelines", v => options.Monitoring.Pipelines = v);

        // Each meter's lists too (bound in the order of the section's children, as the binder binds the list).
        var meters = section.GetSection("Meters").GetChildren().OrderBy(Index).ToList();
        for (var i = 0; i < meters.Count && i < options.Meters.Count; i++)
        {
            var meter = options.Meters[i];
            Replace(meters[i], "Instruments", v => meter.Instruments = v);
            Replace(meters[i], "Dimensions", v => meter.Dimensions = v);
        }
    }

    private static int Index(IConfigurationSection child)
        => int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue;

    private static void Replace(IConfiguration section, string key, Action<List<string>> set)
    {
        var list = section.GetSection(key);
        var children = list.GetChildren().ToList();
        if (children.Count > 0)
        {
            set([.. children
                .OrderBy(Index)
                .Select(c => c.Value)
                .OfType<string>()]);
        }
        else if (!string.IsNullOrWhiteSpace(list.Value))
        {
            // One value, or several separated by commas (handy in an environment variable).
            set([.. list.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]);
        }
    }
}
