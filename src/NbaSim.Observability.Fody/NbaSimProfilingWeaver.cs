using System.Collections.Generic;
using System.Linq;
using Fody;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace NbaSim.Observability.Fody;

/// <summary>
/// Weaves [ProfilePerformance] methods in place: a timestamp before the body, the whole body inside try/finally, and a
/// record of the duration and status in the finally (for Task/ValueTask methods, when the returned task completes).
/// The method keeps its name, signature and IL otherwise, so calls through interfaces, delegates and virtual dispatch
/// are timed, and exceptions leave with their original object and frames.
/// </summary>
public sealed partial class NbaSimProfilingWeaver : BaseModuleWeaver
{
    internal const string AttributeName = "NbaSim.Observability.ProfilePerformanceAttribute";
    internal const string HolderName = "<NbaSimProfiles>";

    /// <summary>The assemblies whose types the weaver resolves: this library and the core library facades.</summary>
    public override IEnumerable<string> GetAssembliesForScanning()
    {
        yield return "NbaSim.Observability";
        yield return "netstandard";
        yield return "mscorlib";
        yield return "System.Runtime";
        yield return "System.Private.CoreLib";
        yield return "System.Threading.Tasks.Extensions";
    }

    /// <summary>False: the woven code calls into NbaSim.Observability, so the reference stays.</summary>
    public override bool ShouldCleanReference => false;

    /// <summary>Validates and weaves every <c>[ProfilePerformance]</c> method of the module.</summary>
    public override void Execute()
    {
        var targets = ModuleDefinition.GetTypes()
            .Where(t => t.FullName != HolderName)
            .SelectMany(t => t.Methods)
            .Where(m => !IsExtensionSkeleton(m))
            .Select(m => (Method: m, Attribute: m.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == AttributeName)))
            .Where(x => x.Attribute != null)
            .ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var otherKinds = SeriesKindScan.Run(ModuleDefinition);
        var runtime = new RuntimeReferences(this, ModuleDefinition);
        var holder = CreateHolder(runtime);
        var cctor = holder.Methods.Single(m => m.IsConstructor && m.IsStatic).Body.GetILProcessor();
        var index = 0;
        foreach (var (method, attribute) in targets)
        {
            var spec = ProfileSpec.Read(attribute);
            var problem = Validate(method, spec)
                ?? (otherKinds.TryGetValue((spec.Namespace, spec.Operation + "Duration"), out var other)
                    ? $"the metric {spec.Namespace}/{spec.Operation}Duration is also created as a {other.Kind} in this assembly (in {other.Site}); a profiled method's metric is a distribution, so rename one of them."
                    : null);
            if (problem != null)
            {
                WriteError($"[ProfilePerformance] on {Describe(method)}: {problem}", FirstSequencePoint(method));
                continue;
            }

            var field = new FieldDefinition($"P{index++}_{method.Name}", FieldAttributes.Assembly | FieldAttributes.Static | FieldAttributes.InitOnly, runtime.OperationProfile);
            holder.Fields.Add(field);
            EmitProfileCreation(cctor, runtime, spec, field, Describe(method));
            if (AsyncStateMachineOf(method) is { } stateMachine)
            {
                WeaveStateMachine(method, stateMachine, field, runtime);
            }
            else
            {
                Weave(method, field, runtime);
            }

            WriteInfo($"NbaSim.Observability: profiling {Describe(method)} as {spec.Operation}Duration");
        }

        cctor.Append(cctor.Create(OpCodes.Ret));
    }

    /// <summary>
    /// A C# 14 extension member is compiled twice: the implementation (a static method of the enclosing class, which
    /// callers run) and a skeleton in the extension block, marked [ExtensionMarker], whose body only throws and which
    /// is never called. Both carry the attribute; only the implementation is woven.
    /// </summary>
    private static bool IsExtensionSkeleton(MethodDefinition method)
        => method.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.ExtensionMarkerAttribute");

    internal static string Describe(MethodDefinition method)
        => $"{method.DeclaringType.FullName}.{method.Name}({string.Join(", ", method.Parameters.Select(p => p.ParameterType.Name))})";

    private static SequencePoint FirstSequencePoint(MethodDefinition method)
        => method.DebugInformation?.HasSequencePoints == true ? method.DebugInformation.SequencePoints.FirstOrDefault(sp => !sp.IsHidden) : null;
}
