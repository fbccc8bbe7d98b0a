using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace NbaSim.Observability.Fody
{
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
                var targets = new HashSet<Instruction>(BranchTargets(method.Body));
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

                    var ns = Argument(definition, "ns", call, targets, readonlyStrings) as string;
                    var name = Argument(definition, "metricName", call, targets, readonlyStrings) as string;
                    if (ns == null || name == null)
                    {
                        continue;
                    }

                    var kind = KindOf(definition, call, targets, readonlyStrings);
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
        private static string KindOf(MethodDefinition factory, Instruction call, HashSet<Instruction> targets, Dictionary<FieldDefinition, string> readonlyStrings)
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
            if (unitParameter == null || !(Argument(factory, "unit", call, targets, readonlyStrings) is int unit))
            {
                return null;
            }

            var unitName = unitParameter.ParameterType.Resolve()?.Fields.FirstOrDefault(f => f.HasConstant && f.Constant is int value && value == unit)?.Name;
            return unitName == null || unitName == "Seconds" ? null : $"distribution in {unitName}";
        }

        /// <summary>The build-time value of the named parameter at this call: a string or an int constant, or null.</summary>
        private static object Argument(MethodDefinition factory, string parameter, Instruction call, HashSet<Instruction> targets, Dictionary<FieldDefinition, string> readonlyStrings)
        {
            var index = factory.Parameters.IndexOf(factory.Parameters.FirstOrDefault(p => p.Name == parameter));
            if (index < 0)
            {
                return null;
            }

            // Values the call takes from the stack: the receiver (instance methods), then the parameters in order; the
            // last parameter is on top. Walk back to the instruction that pushed this one.
            var taken = factory.Parameters.Count + (factory.HasThis ? 1 : 0);
            var depth = taken - 1 - (index + (factory.HasThis ? 1 : 0));
            var producer = Producer(call, depth, targets);
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
        /// The instruction that pushed the value <paramref name="depth"/> below the top of the stack when
        /// <paramref name="call"/> runs, found by walking back in straight-line code; null if control can join in between
        /// or an instruction's stack effect is not simple.
        /// </summary>
        private static Instruction Producer(Instruction call, int depth, HashSet<Instruction> targets)
        {
            for (var at = call; at.Previous != null; at = at.Previous)
            {
                if (targets.Contains(at))
                {
                    return null; // the stack below this point may come from another path
                }

                var instruction = at.Previous;
                var flow = instruction.OpCode.FlowControl;
                if (flow == FlowControl.Branch || flow == FlowControl.Return || flow == FlowControl.Throw || flow == FlowControl.Cond_Branch)
                {
                    return null;
                }

                var pushed = Pushes(instruction);
                var popped = Pops(instruction);
                if (pushed < 0 || popped < 0)
                {
                    return null;
                }

                if (depth < pushed)
                {
                    if (instruction.OpCode.Code == Code.Dup)
                    {
                        depth = 0; // both copies are its input's value
                        continue;
                    }

                    return pushed == 1 ? instruction : null;
                }

                depth = depth - pushed + popped;
            }

            return null;
        }

        private static int Pushes(Instruction instruction)
        {
            switch (instruction.OpCode.StackBehaviourPush)
            {
                case StackBehaviour.Push0:
                    return 0;
                case StackBehaviour.Push1_push1:
                    return 2;
                case StackBehaviour.Varpush:
                    return instruction.Operand is MethodReference m && m.ReturnType.MetadataType != MetadataType.Void ? 1 : 0;
                default:
                    return 1;
            }
        }

        private static int Pops(Instruction instruction)
        {
            switch (instruction.OpCode.StackBehaviourPop)
            {
                case StackBehaviour.Pop0:
                    return 0;
                case StackBehaviour.Pop1:
                case StackBehaviour.Popi:
                case StackBehaviour.Popref:
                    return 1;
                case StackBehaviour.Pop1_pop1:
                case StackBehaviour.Popi_pop1:
                case StackBehaviour.Popi_popi:
                case StackBehaviour.Popi_popi8:
                case StackBehaviour.Popi_popr4:
                case StackBehaviour.Popi_popr8:
                case StackBehaviour.Popref_pop1:
                case StackBehaviour.Popref_popi:
                    return 2;
                case StackBehaviour.Popi_popi_popi:
                case StackBehaviour.Popref_popi_popi:
                case StackBehaviour.Popref_popi_popi8:
                case StackBehaviour.Popref_popi_popr4:
                case StackBehaviour.Popref_popi_popr8:
                case StackBehaviour.Popref_popi_popref:
                    return 3;
                case StackBehaviour.Varpop when instruction.Operand is MethodReference m && instruction.OpCode.Code != Code.Calli:
                    return m.Parameters.Count + (m.HasThis && instruction.OpCode.Code != Code.Newobj ? 1 : 0);
                default:
                    return -1; // calli, leave, ret: not followed
            }
        }

        private static IEnumerable<Instruction> BranchTargets(MethodBody body)
        {
            foreach (var instruction in body.Instructions)
            {
                if (instruction.Operand is Instruction target)
                {
                    yield return target;
                }
                else if (instruction.Operand is Instruction[] cases)
                {
                    foreach (var c in cases)
                    {
                        yield return c;
                    }
                }
            }

            foreach (var handler in body.ExceptionHandlers)
            {
                yield return handler.HandlerStart;
                if (handler.FilterStart != null)
                {
                    yield return handler.FilterStart;
                }
            }
        }

        /// <summary><c>static readonly string</c> fields their static constructor assigns exactly one literal.</summary>
        private static Dictionary<FieldDefinition, string> StaticReadonlyStrings(ModuleDefinition module)
        {
            var values = new Dictionary<FieldDefinition, string>();
            var assignedTwice = new HashSet<FieldDefinition>();
            foreach (var type in module.GetTypes())
            {
                foreach (var method in type.Methods.Where(m => m.HasBody))
                {
                    var targets = new HashSet<Instruction>(BranchTargets(method.Body));
                    foreach (var store in method.Body.Instructions.Where(i => i.OpCode == OpCodes.Stsfld))
                    {
                        var field = ((FieldReference)store.Operand).Resolve();
                        if (field == null || !field.IsInitOnly || field.FieldType.MetadataType != MetadataType.String)
                        {
                            continue;
                        }

                        if (method.IsConstructor && method.IsStatic && store.Previous?.OpCode == OpCodes.Ldstr && !targets.Contains(store) && !values.ContainsKey(field) && !assignedTwice.Contains(field))
                        {
                            values[field] = (string)store.Previous.Operand;
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
}
