using System.Text.Json.Serialization;

namespace NbaSim.Observability.Internal;

/// <summary>Source-generated JSON for what the library stores as JSON (the DIMS state file): no reflection, AOT-safe.</summary>
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class ObservabilityJsonContext : JsonSerializerContext;
