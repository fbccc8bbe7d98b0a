using System;
using System.Collections.Generic;
using System.Linq;
using Fody;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace NbaSim.Observability.Fody
{
    /// <summary>
    /// Weaves [ProfilePerformance] methods in place: a timestamp before the body, the whole body inside try/finally, and a
    /// record of the duration and status in the finally (for Task/ValueTask methods, when the returned task completes).
    /// The method keeps its name, signature and IL otherwise, so calls through interfaces, delegates and virtual dispatch
    /// are timed, and exceptions leave with their original object and frames.
    /// </summary>
    public sealed class NbaSimProfilingWeaver : BaseModuleWeaver
    {
        internal const string AttributeName = "NbaSim.Observability.ProfilePerformanceAttribute";
        internal const string HolderName = "<NbaSimProfiles>";

        public override IEnumerable<string> GetAssembliesForScanning()
        {
            yield return "NbaSim.Observability";
            yield return "netstandard";
            yield return "mscorlib";
            yield return "System.Runtime";
            yield return "System.Private.CoreLib";
            yield return "System.Threading.Tasks.Extensions";
        }

        public override bool ShouldCleanReference => false;

        public override void Execute()
        {
            var targets = ModuleDefinition.GetTypes()
                .Where(t => t.FullName != HolderName)
                .SelectMany(t => t.Methods)
                .Select(m => (Method: m, Attribute: m.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == AttributeName)))
                .Where(x => x.Attribute != null)
                .ToList();
            if (targets.Count == 0)
            {
                return;
            }

            var otherKinds = FindSeriesOfOtherKinds();
            var runtime = new RuntimeReferences(this, ModuleDefinition);
            var holder = CreateHolder(runtime);
            var cctor = holder.Methods.Single(m => m.IsConstructor && m.IsStatic).Body.GetILProcessor();
            var index = 0;
            foreach (var (method, attribute) in targets)
            {
                var spec = ProfileSpec.Read(attribute);
                var problem = Validate(method, spec)
                    ?? (otherKinds.TryGetValue(spec.Namespace + "\u001F" + spec.Operation + "Duration", out var other)
                        ? $"the metric {spec.Namespace}/{spec.Operation}Duration is also created as a {other} in this assembly; a profiled method's metric is a distribution, so rename one of them."
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
        /// Metrics this assembly creates as counters or gauges with constant names (<c>metrics.Counter("ns", "name")</c>):
        /// a profiled method whose metric is one of them would be refused at run time, so it is refused at build time.
        /// </summary>
        private Dictionary<string, string> FindSeriesOfOtherKinds()
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var method in ModuleDefinition.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
            {
                var instructions = method.Body.Instructions;
                for (var i = 0; i + 1 < instructions.Count; i++)
                {
                    if (instructions[i].OpCode != OpCodes.Ldstr || instructions[i + 1].OpCode != OpCodes.Ldstr)
                    {
                        continue;
                    }

                    // The call that consumes the (namespace, name) pair: the first call to the metrics API after it.
                    for (var j = i + 2; j < instructions.Count && j < i + 40; j++)
                    {
                        if ((instructions[j].OpCode == OpCodes.Call || instructions[j].OpCode == OpCodes.Callvirt) && instructions[j].Operand is MethodReference m
                            && m.DeclaringType.Namespace == "NbaSim.Observability"
                            && (m.Name == "Counter" || m.Name == "Gauge" || m.Name == "ObservableGauge" || m.Name == "Distribution"))
                        {
                            if (m.Name != "Distribution")
                            {
                                found[(string)instructions[i].Operand + "\u001F" + (string)instructions[i + 1].Operand] = m.Name == "Counter" ? "counter" : "gauge";
                            }

                            break;
                        }
                    }
                }
            }

            return found;
        }

        internal static string Describe(MethodDefinition method)
            => $"{method.DeclaringType.FullName}.{method.Name}({string.Join(", ", method.Parameters.Select(p => p.ParameterType.Name))})";

        private static SequencePoint FirstSequencePoint(MethodDefinition method)
            => method.DebugInformation?.HasSequencePoints == true ? method.DebugInformation.SequencePoints.FirstOrDefault(sp => !sp.IsHidden) : null;

        private static string Validate(MethodDefinition method, ProfileSpec spec)
        {
            if (method.IsConstructor)
            {
                return "constructors cannot be profiled.";
            }

            if (method.IsAbstract || !method.HasBody)
            {
                return method.IsAbstract ? "abstract methods have no body to time; put the attribute on the implementation." : "extern methods have no body to time.";
            }

            foreach (var a in method.CustomAttributes)
            {
                switch (a.AttributeType.FullName)
                {
                    case "System.Runtime.CompilerServices.IteratorStateMachineAttribute":
                        return "iterators run lazily as they are enumerated, so a call cannot be timed; time the code that enumerates instead.";
                    case "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute":
                        return "async iterators run lazily as they are enumerated, so a call cannot be timed; time the code that enumerates instead.";
                    case "System.Runtime.CompilerServices.AsyncStateMachineAttribute" when TypeModifiers.Strip(method.ReturnType).MetadataType == MetadataType.Void:
                        return "async void methods cannot be awaited, so their completion cannot be timed; return Task instead.";
                }
            }

            return spec.Validate();
        }

        private TypeDefinition CreateHolder(RuntimeReferences runtime)
        {
            var holder = new TypeDefinition(
                string.Empty,
                HolderName,
                TypeAttributes.Class | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.NotPublic | TypeAttributes.BeforeFieldInit,
                TypeSystem.ObjectReference);
            var cctor = new MethodDefinition(
                ".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
                TypeSystem.VoidReference);
            holder.Methods.Add(cctor);
            ModuleDefinition.Types.Add(holder);
            return holder;
        }

        private void EmitProfileCreation(ILProcessor il, RuntimeReferences runtime, ProfileSpec spec, FieldDefinition field, string method)
        {
            il.Append(il.Create(OpCodes.Ldstr, spec.Operation));
            il.Append(il.Create(OpCodes.Ldstr, spec.Namespace));
            il.Append(il.Create(spec.HighResolution ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0));
            il.Append(il.Create(OpCodes.Ldc_I4, spec.Dimensions.Count));
            il.Append(il.Create(OpCodes.Newarr, TypeSystem.StringReference));
            for (var i = 0; i < spec.Dimensions.Count; i++)
            {
                il.Append(il.Create(OpCodes.Dup));
                il.Append(il.Create(OpCodes.Ldc_I4, i));
                il.Append(il.Create(OpCodes.Ldstr, spec.Dimensions[i]));
                il.Append(il.Create(OpCodes.Stelem_Ref));
            }

            il.Append(il.Create(OpCodes.Ldstr, method));
            if (spec.Rollup)
            {
                il.Append(il.Create(OpCodes.Ldc_I4_1));
                il.Append(il.Create(OpCodes.Newobj, runtime.OperationProfileRollupCtor));
            }
            else
            {
                il.Append(il.Create(OpCodes.Newobj, runtime.OperationProfileCtor));
            }

            il.Append(il.Create(OpCodes.Stsfld, field));
        }

        /// <summary>The compiler-generated state machine of an async method, or null.</summary>
        private static TypeDefinition AsyncStateMachineOf(MethodDefinition method)
        {
            var attribute = method.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.AsyncStateMachineAttribute");
            return (attribute?.ConstructorArguments.FirstOrDefault().Value as TypeReference)?.Resolve();
        }

        /// <summary>
        /// An async method is timed inside its state machine, so it costs no extra allocation: the stub stores the start
        /// timestamp in a new field of the state machine, and MoveNext records success right before its builder's
        /// SetResult and failure right before SetException (faults and cancellations alike).
        /// </summary>
        private void WeaveStateMachine(MethodDefinition stub, TypeDefinition stateMachine, FieldDefinition profile, RuntimeReferences runtime)
        {
            var startField = new FieldDefinition("<>nbasim__start", FieldAttributes.Public, TypeSystem.Int64Reference);
            stateMachine.Fields.Add(startField);

            // In the stub: after "stateMachine.<>1__state = -1", store the start timestamp.
            var body = stub.Body;
            body.SimplifyMacros();
            var il = body.GetILProcessor();
            var setState = body.Instructions.First(i => i.OpCode == OpCodes.Stfld && ((FieldReference)i.Operand).Name == "<>1__state");
            var loadMachine = setState.Previous.Previous;
            var machineType = ((FieldReference)setState.Operand).DeclaringType;
            var stubField = new FieldReference(startField.Name, startField.FieldType, machineType);
            var after = setState;
            if (!(loadMachine.Operand is VariableDefinition machineVariable))
            {
                WriteError($"[ProfilePerformance] on {Describe(stub)}: its async stub does not have the shape the weaver recognises.", FirstSequencePoint(stub));
                return;
            }

            var stubInjected = new[] { il.Create(loadMachine.OpCode, machineVariable), il.Create(OpCodes.Call, runtime.Start), il.Create(OpCodes.Stfld, stubField) };
            foreach (var instruction in stubInjected)
            {
                il.InsertAfter(after, instruction);
                after = instruction;
            }

            Hide(stub, stubInjected[0]);

            body.OptimizeMacros();
            SortSequencePoints(stub);

            // In MoveNext: record before SetResult (success) and SetException (failure).
            var moveNext = stateMachine.Methods.Single(m => m.Name == "MoveNext");
            var ownField = new FieldReference(startField.Name, startField.FieldType, SelfReference(stateMachine));
            var mbody = moveNext.Body;
            mbody.SimplifyMacros();
            var mil = mbody.GetILProcessor();
            var completions = mbody.Instructions
                .Where(i => (i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt) && i.Operand is MethodReference m && (m.Name == "SetResult" || m.Name == "SetException") && m.DeclaringType.Name.Contains("MethodBuilder"))
                .ToList();
            if (completions.Count == 0)
            {
                WriteError($"[ProfilePerformance] on {Describe(stub)}: its async state machine has no SetResult/SetException call the weaver recognises.", FirstSequencePoint(stub));
                return;
            }

            var failure = new VariableDefinition(runtime.Exception);
            mbody.Variables.Add(failure);
            foreach (var call in completions)
            {
                var succeeded = ((MethodReference)call.Operand).Name == "SetResult";
                var injected = succeeded
                    ? new[]
                    {
                        mil.Create(OpCodes.Ldsfld, profile),
                        mil.Create(OpCodes.Ldarg_0),
                        mil.Create(OpCodes.Ldfld, ownField),
                        mil.Create(OpCodes.Ldc_I4_1),
                        mil.Create(OpCodes.Ldc_I4_0),
                        mil.Create(OpCodes.Callvirt, runtime.Record),
                    }
                    : new[]
                    {
                        // The exception is on the stack for SetException: keep it, record by its kind, put it back.
                        mil.Create(OpCodes.Stloc, failure),
                        mil.Create(OpCodes.Ldsfld, profile),
                        mil.Create(OpCodes.Ldarg_0),
                        mil.Create(OpCodes.Ldfld, ownField),
                        mil.Create(OpCodes.Ldloc, failure),
                        mil.Create(OpCodes.Callvirt, runtime.RecordException),
                        mil.Create(OpCodes.Ldloc, failure),
                    };
                foreach (var instruction in injected)
                {
                    mil.InsertBefore(call, instruction);
                }

                Hide(moveNext, injected[0]);
            }

            mbody.OptimizeMacros();
            SortSequencePoints(moveNext);
        }

        /// <summary>The type as seen from inside itself: generic types are instantiated over their own parameters.</summary>
        private static TypeReference SelfReference(TypeDefinition type)
        {
            if (!type.HasGenericParameters)
            {
                return type;
            }

            var instance = new GenericInstanceType(type);
            foreach (var parameter in type.GenericParameters)
            {
                instance.GenericArguments.Add(parameter);
            }

            return instance;
        }

        /// <summary>
        /// Weaves a synchronous (or task-returning, non-async) method:
        /// <code>
        /// start = Start(); ok = false; cancelled = false;
        /// try { try { body, each ret → result = value; ok = true; leave END }
        ///       filter { cancelled = e is OperationCanceledException; false } { rethrow } }
        /// finally { Record(start, ok, cancelled) }   // task methods: only a synchronous throw here
        /// END: return Track(result) or result
        /// </code>
        /// The filter never catches: it only notes the exception's kind while it passes.
        /// </summary>
        private void Weave(MethodDefinition method, FieldDefinition profile, RuntimeReferences runtime)
        {
            var body = method.Body;
            var hadLocals = body.HasVariables;
            body.SimplifyMacros();
            var il = body.GetILProcessor();
            var returnType = TypeModifiers.Strip(method.ReturnType);
            var track = runtime.TrackFor(returnType);
            var returnsValue = returnType.MetadataType != MetadataType.Void;

            var start = new VariableDefinition(TypeSystem.Int64Reference);
            var ok = new VariableDefinition(TypeSystem.BooleanReference);
            var cancelled = new VariableDefinition(TypeSystem.BooleanReference);
            var result = returnsValue ? new VariableDefinition(returnType) : null;
            body.Variables.Add(start);
            body.Variables.Add(ok);
            body.Variables.Add(cancelled);
            if (result != null)
            {
                body.Variables.Add(result);
            }

            // [SkipLocalsInit] stays honoured: our locals are all written before they are read. A body that had no
            // locals at all had no header flag to keep; it gets the compiler's default.
            if (!hadLocals && !SkipsLocalsInit(method))
            {
                body.InitLocals = true;
            }

            var first = body.Instructions[0];

            // Handlers that ran to the end of the method (a body that ends inside try/finally with no ret) must end
            // where our handlers begin, or they would swallow them.
            var filterStart = il.Create(OpCodes.Isinst, runtime.OperationCanceledException);
            foreach (var handler in body.ExceptionHandlers)
            {
                handler.TryEnd = handler.TryEnd ?? filterStart;
                handler.HandlerEnd = handler.HandlerEnd ?? filterStart;
            }

            // Tail: after the finally, return the result (handing tasks to Track so they are timed to completion).
            var end = result != null ? il.Create(OpCodes.Ldloc, result) : il.Create(OpCodes.Nop);
            var tail = new List<Instruction> { end };
            if (track != null)
            {
                tail.Add(il.Create(OpCodes.Ldsfld, profile));
                tail.Add(il.Create(OpCodes.Ldloc, start));
                tail.Add(il.Create(OpCodes.Call, track));
            }

            tail.Add(il.Create(OpCodes.Ret));

            // Every return becomes: keep the value, mark success, leave the protected regions.
            foreach (var ret in body.Instructions.Where(i => i.OpCode == OpCodes.Ret).ToList())
            {
                var replacement = new List<Instruction>();
                if (result != null)
                {
                    replacement.Add(il.Create(OpCodes.Stloc, result));
                }

                replacement.Add(il.Create(OpCodes.Ldc_I4_1));
                replacement.Add(il.Create(OpCodes.Stloc, ok));
                replacement.Add(il.Create(OpCodes.Leave, end));

                // Mutate the ret itself so branches that targeted it still land on the right instruction.
                ret.OpCode = replacement[0].OpCode;
                ret.Operand = replacement[0].Operand;
                var previous = ret;
                foreach (var instruction in replacement.Skip(1))
                {
                    il.InsertAfter(previous, instruction);
                    previous = instruction;
                }

                if (replacement.Count > 1)
                {
                    Hide(method, replacement[1]);
                }
            }

            // Filter: note whether the exception passing through is a cancellation; never catch it.
            var filter = new List<Instruction>
            {
                filterStart,
                il.Create(OpCodes.Ldnull),
                il.Create(OpCodes.Cgt_Un),
                il.Create(OpCodes.Stloc, cancelled),
                il.Create(OpCodes.Ldc_I4_0),
                il.Create(OpCodes.Endfilter),
            };
            var filterHandler = new List<Instruction> { il.Create(OpCodes.Pop), il.Create(OpCodes.Rethrow) };

            // Finally: record the call. For task-returning methods only a synchronous throw is recorded here;
            // the task's own outcome is recorded by Track when it completes.
            var finallyBlock = new List<Instruction>();
            var endFinally = il.Create(OpCodes.Endfinally);
            if (track != null)
            {
                finallyBlock.Add(il.Create(OpCodes.Ldloc, ok));
                finallyBlock.Add(il.Create(OpCodes.Brtrue, endFinally));
                finallyBlock.Add(il.Create(OpCodes.Ldsfld, profile));
                finallyBlock.Add(il.Create(OpCodes.Ldloc, start));
                finallyBlock.Add(il.Create(OpCodes.Ldc_I4_0));
            }
            else
            {
                finallyBlock.Add(il.Create(OpCodes.Ldsfld, profile));
                finallyBlock.Add(il.Create(OpCodes.Ldloc, start));
                finallyBlock.Add(il.Create(OpCodes.Ldloc, ok));
            }

            finallyBlock.Add(il.Create(OpCodes.Ldloc, cancelled));
            finallyBlock.Add(il.Create(OpCodes.Callvirt, runtime.Record));
            finallyBlock.Add(endFinally);
            foreach (var instruction in filter.Concat(filterHandler).Concat(finallyBlock).Concat(tail))
            {
                il.Append(instruction);
            }

            // Prologue, outside the protected regions.
            var prologue = new[]
            {
                il.Create(OpCodes.Call, runtime.Start),
                il.Create(OpCodes.Stloc, start),
                il.Create(OpCodes.Ldc_I4_0),
                il.Create(OpCodes.Stloc, ok),
                il.Create(OpCodes.Ldc_I4_0),
                il.Create(OpCodes.Stloc, cancelled),
            };
            foreach (var instruction in prologue)
            {
                il.InsertBefore(first, instruction);
            }

            // Nested handlers precede their enclosing ones (ECMA-335): the filter, then the finally around it.
            body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Filter)
            {
                TryStart = first,
                TryEnd = filterStart,
                FilterStart = filterStart,
                HandlerStart = filterHandler[0],
                HandlerEnd = finallyBlock[0],
            });
            body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Finally)
            {
                TryStart = first,
                TryEnd = finallyBlock[0],
                HandlerStart = finallyBlock[0],
                HandlerEnd = end,
            });

            Hide(method, prologue[0]);
            Hide(method, filterStart);
            Hide(method, end);
            body.OptimizeMacros();
            SortSequencePoints(method);
        }

        /// <summary>PDB writers need sequence points in IL order; ours were appended. Offsets are current after OptimizeMacros.</summary>
        private static void SortSequencePoints(MethodDefinition method)
        {
            var points = method.DebugInformation?.SequencePoints;
            if (points == null || points.Count < 2)
            {
                return;
            }

            var sorted = points.OrderBy(p => p.Offset).ToList();
            points.Clear();
            foreach (var point in sorted)
            {
                points.Add(point);
            }
        }

        /// <summary>Marks <paramref name="instruction"/> (and what follows it, up to the next sequence point) hidden from the debugger.</summary>
        private static void Hide(MethodDefinition method, Instruction instruction)
        {
            var debug = method.DebugInformation;
            if (debug == null || !debug.HasSequencePoints)
            {
                return;
            }

            var document = debug.SequencePoints[0].Document;
            debug.SequencePoints.Add(new SequencePoint(instruction, document) { StartLine = 0xfeefee, StartColumn = 0, EndLine = 0xfeefee, EndColumn = 0 });
        }

        private static bool SkipsLocalsInit(MethodDefinition method)
        {
            const string name = "System.Runtime.CompilerServices.SkipLocalsInitAttribute";
            if (method.CustomAttributes.Any(a => a.AttributeType.FullName == name) || method.Module.CustomAttributes.Any(a => a.AttributeType.FullName == name))
            {
                return true;
            }

            // A lambda or local function (<Outer>b__0_0, <Outer>g__Inner|0_0, in the type or a display class nested in it)
            // inherits the attribute from the member it is written in.
            var enclosing = method.Name.StartsWith("<", StringComparison.Ordinal) && method.Name.IndexOf('>') is var close && close > 1
                ? method.Name.Substring(1, close - 1)
                : null;
            for (var type = method.DeclaringType; type != null; type = type.DeclaringType)
            {
                if (type.CustomAttributes.Any(a => a.AttributeType.FullName == name)
                    || (enclosing != null && type.Methods.Any(m => m.Name == enclosing && m.CustomAttributes.Any(a => a.AttributeType.FullName == name))))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
