using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace NbaSim.Observability.Fody;

/// <summary>
/// The metrics this assembly creates through NbaSim.Observability's own <c>Counter</c>, <c>Gauge</c>,
/// <c>ObservableGauge</c> and <c>Distribution</c> methods with a namespace and name known at build time: a string
/// literal, a constant, or a <c>static readonly</c> field assigned one literal in its type's static constructor.
/// A profiled method whose metric is one of them with another kind or unit would be refused at run time, so it is
/// refused at build time. Anything else (a name computed at run time, a value that reaches the call through a
/// branch) is not guessed at; the registry refuses a clash when the second series is created.
/// </summary>
internal static class SeriesKindScan
{
    private const string RuntimeAssembly = "NbaSim.Observability";

    /// <summary>(namespace, metric name) → the other kind (e.g. "counter") and the method that creates it.</summary>
    public static Dictionary<(string Namespace, string Name), (string Kind, string Site)> Run(ModuleDefinition module)
    {
        var found = new Dictionary<(string, string), (string, string)>();
        var readonlyStrings = StaticReadonlyStrings(module);
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
        {
            StackFlow flow = null;
            foreach (var call in method.Body.Instructions)
            {
                if ((call.OpCode != OpCodes.Call && call.OpCode != OpCodes.Callvirt) || !(call.Operand is MethodReference reference)
                    || !IsMetricsFactory(reference.Name) || !(reference.DeclaringType.Scope is AssemblyNameReference assembly && assembly.Name == RuntimeAssembly))
                {
                    continue;
                }

                var definition = reference.Resolve();
                if (definition == null || definition.Module.Assembly.Name.Name != RuntimeAssembly)
                {
                    continue;
                }

                flow = flow ?? StackFlow.Compute(method.Body);
                if (flow == null)
                {
                    break; // a body whose stack cannot be followed is left to the run-time check
                }

                var ns = Argument(definition, "ns", call, flow, readonlyStrings) as string;
                var name = Argument(definition, "metricName", call, flow, readonlyStrings) as string;
                if (ns == null || name == null)
                {
                    continue;
                }

                var kind = KindOf(definition, call, flow, readonlyStrings);
                if (kind != null && !found.ContainsKey((ns, name)))
                {
                    found[(ns, name)] = (kind, NbaSimProfilingWeaver.Describe(method));
                }
            }
        }

        return found;
    }

    private static bool IsMetricsFactory(string name)
        => name == "Counter" || name == "Gauge" || name == "ObservableGauge" || name == "Distribution";

    /// <summary>The kind a profiled method's metric (a distribution in seconds) would clash with, or null when none.</summary>
    private static string KindOf(MethodDefinition factory, Instruction call, StackFlow flow, Dictionary<FieldDefinition, string> readonlyStrings)
    {
        switch (factory.Name)
        {
            case "Counter":
                return "counter";
            case "Gauge":
            case "ObservableGauge":
                return "gauge";
        }

        // A distribution clashes only in another unit; one whose unit is not a constant is left to the run-time check.
        var unitParameter = factory.Parameters.FirstOrDefault(p => p.Name == "unit");
        if (unitParameter == null || !(Argument(factory, "unit", call, flow, readonlyStrings) is int unit))
        {
            return null;
        }

        var unitName = unitParameter.ParameterType.Resolve()?.Fields.FirstOrDefault(f => f.HasConstant && f.Constant is int value && value == unit)?.Name;
        return unitName == null || unitName == "Seconds" ? null : $"distribution in {unitName}";
    }

    /// <summary>The build-time value of the named parameter at this call: a string or an int constant, or null.</summary>
    private static object Argument(MethodDefinition factory, string parameter, Instruction call, StackFlow flow, Dictionary<FieldDefinition, string> readonlyStrings)
    {
        var index = factory.Parameters.IndexOf(factory.Parameters.FirstOrDefault(p => p.Name == parameter));
        if (index < 0)
        {
            return null;
        }

        // Values the call takes from the stack: the receiver (instance methods), then the parameters in order; the
        // last parameter is on top.
        var taken = factory.Parameters.Count + (factory.HasThis ? 1 : 0);
        var depth = taken - 1 - (index + (factory.HasThis ? 1 : 0));
        var producer = flow.Producer(call, depth);
        switch (producer?.OpCode.Code)
        {
            case Code.Ldstr:
                return producer.Operand;
            case Code.Ldc_I4_M1: return -1;
            case Code.Ldc_I4_0: return 0;
            case Code.Ldc_I4_1: return 1;
            case Code.Ldc_I4_2: return 2;
            case Code.Ldc_I4_3: return 3;
            case Code.Ldc_I4_4: return 4;
            case Code.Ldc_I4_5: return 5;
            case Code.Ldc_I4_6: return 6;
            case Code.Ldc_I4_7: return 7;
            case Code.Ldc_I4_8: return 8;
            case Code.Ldc_I4_S: return (int)(sbyte)producer.Operand;
            case Code.Ldc_I4: return (int)producer.Operand;
            case Code.Ldsfld:
                var field = ((FieldReference)producer.Operand).Resolve();
                return field == null ? null
                    : field.HasConstant ? field.Constant
                    : readonlyStrings.TryGetValue(field, out var value) ? value
                    : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>static readonly string</c> fields their static constructor assigns exactly one literal, and that nothing
    /// takes the address of (<c>ref</c>, <c>Volatile.Write</c>, <c>Interlocked</c> could change them later).
    /// </summary>
    private static Dictionary<FieldDefinition, string> StaticReadonlyStrings(ModuleDefinition module)
    {
        var values = new Dictionary<FieldDefinition, string>();
        var assignedTwice = new HashSet<FieldDefinition>();
        foreach (var type in module.GetTypes())
        {
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                StackFlow flow = null;
                foreach (var store in method.Body.Instructions.Where(i => i.OpCode == OpCodes.Stsfld || i.OpCode == OpCodes.Ldsflda))
                {
                    var field = ((FieldReference)store.Operand).Resolve();
                    if (field == null || !field.IsInitOnly || field.FieldType.MetadataType != MetadataType.String)
                    {
                        continue;
                    }

                    var literal = store.OpCode == OpCodes.Stsfld && method.IsConstructor && method.IsStatic
                        ? (flow = flow ?? StackFlow.Compute(method.Body))?.Producer(store, 0)
                        : null;
                    if (literal?.OpCode == OpCodes.Ldstr && !values.ContainsKey(field) && !assignedTwice.Contains(field))
                    {
                        values[field] = (string)literal.Operand;
                    }
                    else
                    {
                        values.Remove(field);
                        assignedTwice.Add(field);
                    }
                }
            }
        }

        return values;
    }
}
