using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace NbaSim.Observability.Fody;

/// <content>Synchronous and task-returning (non-async) methods: the body inside try/filter/finally.</content>
public sealed partial class NbaSimProfilingWeaver
{
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
