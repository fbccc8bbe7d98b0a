using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>Where EMF lines are written.</summary>
public sealed class EmfExporterOptions
{
    /// <summary>File to append EMF lines to; <c>-</c> or empty for standard output. Ignored when <see cref="AgentEndpoint"/> is set.</summary>
    /// <value>The default value is <see langword="null"/> (standard output).</value>
    public string? Path { get; set; }

    /// <summary>
    /// The CloudWatch agent's EMF listener, <c>tcp://host:port</c> or <c>udp://host:port</c> (the agent listens on 25888).
    /// When set, lines go to the agent instead of <see cref="Path"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no agent).</value>
    public string? AgentEndpoint { get; set; }

    /// <summary>
    /// How metric values are written: <see cref="EmfFormat.Exact"/> (objects with exact statistics, as AWS's
    /// <c>awsemfexporter</c> writes them) or <see cref="EmfFormat.Strict"/> (only the published specification's numbers and
    /// arrays; see what each loses on <see cref="EmfFormat"/>).
    /// </summary>
    /// <value>The default value is <see cref="EmfFormat.Exact"/>.</value>
    [DefinedEnum("Emf:Format", "Exact or Strict")]
    public EmfFormat Format { get; set; } = EmfFormat.Exact;
}
