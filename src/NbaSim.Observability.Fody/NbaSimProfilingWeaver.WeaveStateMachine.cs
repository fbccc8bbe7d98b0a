using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace NbaSim.Observability.Fody;

/// <content>Async methods: timed inside their state machine, at the builder's SetResult and SetException.</content>
public sealed partial class NbaSimProfilingWeaver
{
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
        // The method's own completions: SetResult/SetException called on the state machine's builder field, not on
        // another builder of the same type the body happens to use.
        var builder = BuilderTypeOf(stateMachine);
        var flow = StackFlow.Compute(mbody);
        var completions = mbody.Instructions
            .Where(i => (i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt) && i.Operand is MethodReference m && (m.Name == "SetResult" || m.Name == "SetException")
                && builder != null && m.DeclaringType.GetElementType().FullName == builder
                && IsOwnBuilder(flow?.Producer(i, m.Parameters.Count)))
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

    /// <summary>
    /// The builder the compiler chose for this method (AsyncTaskMethodBuilder, a pooling builder, or any type named by
    /// [AsyncMethodBuilder] on the method or its task-like return type): the type of the state machine's builder
    /// field, without generic arguments. Its SetResult and SetException calls are the method's completions.
    /// </summary>
    private static string BuilderTypeOf(TypeDefinition stateMachine)
        => stateMachine.Fields.FirstOrDefault(f => f.Name == "<>t__builder")?.FieldType.GetElementType().FullName;

    /// <summary>The receiver is the state machine's own builder: <c>ldflda &lt;&gt;t__builder</c>.</summary>
    private static bool IsOwnBuilder(Instruction receiver)
        => receiver != null && (receiver.OpCode == OpCodes.Ldflda || receiver.OpCode == OpCodes.Ldfld) && ((FieldReference)receiver.Operand).Name == "<>t__builder";

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
}
