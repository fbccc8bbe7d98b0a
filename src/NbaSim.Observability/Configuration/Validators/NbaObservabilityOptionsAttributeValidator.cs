using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Configuration.Validators;

/// <summary>
/// The single-setting rules written as attributes on the options classes, checked by code the options source generator
/// writes (no reflection: trimming and Native AOT keep it whole). <see cref="NbaObservabilityOptionsValidator"/> runs it
/// first, then the rules attributes cannot say.
/// </summary>
[OptionsValidator]
internal sealed partial class NbaObservabilityOptionsAttributeValidator : IValidateOptions<NbaObservabilityOptions>;
