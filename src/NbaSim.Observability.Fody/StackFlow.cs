using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace NbaSim.Observability.Fody;

/// <summary>
/// Which instruction pushed each value on the evaluation stack, before every instruction of a method body: a forward
/// pass over every path, merging where paths join (a slot keeps its producer only when every path agrees, as under
/// the compiler's cached-delegate pattern <c>ldsfld; dup; brtrue</c>). Unknown producers are null.
/// </summary>
internal sealed class StackFlow
{
    private readonly Dictionary<Instruction, Instruction[]> _before;

    private StackFlow(Dictionary<Instruction, Instruction[]> before) => _before = before;

    /// <summary>The flow of <paramref name="body"/>; null when its stack cannot be followed (e.g. invalid IL).</summary>
    public static StackFlow Compute(MethodBody body)
    {
        var before = new Dictionary<Instruction, Instruction[]>();
        var work = new Stack<Instruction>();
        void Merge(Instruction at, Instruction[] state, ref bool broken)
        {
            if (!before.TryGetValue(at, out var known))
            {
                before[at] = state;
                work.Push(at);
                return;
            }

            if (known.Length != state.Length)
            {
                broken = true;
                return;
            }

            var changed = false;
            var merged = (Instruction[])known.Clone();
            for (var i = 0; i < merged.Length; i++)
            {
                if (merged[i] != null && !ReferenceEquals(merged[i], state[i]))
                {
                    merged[i] = null;
                    changed = true;
                }
            }

            if (changed)
            {
                before[at] = merged;
                work.Push(at);
            }
        }

        var failed = false;
        if (body.Instructions.Count == 0)
        {
            return new StackFlow(before);
        }

        Merge(body.Instructions[0], System.Array.Empty<Instruction>(), ref failed);
        foreach (var handler in body.ExceptionHandlers)
        {
            var entry = handler.HandlerType == ExceptionHandlerType.Catch || handler.HandlerType == ExceptionHandlerType.Filter ? new Instruction[1] : System.Array.Empty<Instruction>();
            Merge(handler.HandlerStart, entry, ref failed);
            if (handler.FilterStart != null)
            {
                Merge(handler.FilterStart, new Instruction[1], ref failed);
            }
        }

        while (work.Count > 0 && !failed)
        {
            var instruction = work.Pop();
            var state = before[instruction];
            var popped = Pops(instruction);
            var pushed = Pushes(instruction);
            if (popped < 0 || pushed < 0 || popped > state.Length)
            {
                return null;
            }

            var after = state.Take(state.Length - popped).ToList();
            if (instruction.OpCode.Code == Code.Dup)
            {
                after.Add(state[state.Length - 1]); // both copies are the original value
                after.Add(state[state.Length - 1]);
            }
            else
            {
                for (var i = 0; i < pushed; i++)
                {
                    after.Add(instruction);
                }
            }

            var next = after.ToArray();
            switch (instruction.OpCode.FlowControl)
            {
                case FlowControl.Branch:
                    var leaving = instruction.OpCode.Code == Code.Leave || instruction.OpCode.Code == Code.Leave_S;
                    Merge((Instruction)instruction.Operand, leaving ? System.Array.Empty<Instruction>() : next, ref failed);
                    break;
                case FlowControl.Cond_Branch:
                    if (instruction.Operand is Instruction[] cases)
                    {
                        foreach (var target in cases)
                        {
                            Merge(target, next, ref failed);
                        }
                    }
                    else
                    {
                        Merge((Instruction)instruction.Operand, next, ref failed);
                    }

                    if (instruction.Next != null)
                    {
                        Merge(instruction.Next, next, ref failed);
                    }

                    break;
                case FlowControl.Return:
                case FlowControl.Throw:
                    break;
                default:
                    if (instruction.Next != null)
                    {
                        Merge(instruction.Next, next, ref failed);
                    }

                    break;
            }
        }

        return failed ? null : new StackFlow(before);
    }

    /// <summary>
    /// The instruction that pushed the value <paramref name="depth"/> below the top of the stack when
    /// <paramref name="at"/> runs (0 = the top); null when unknown or unreachable.
    /// </summary>
    public Instruction Producer(Instruction at, int depth)
        => _before.TryGetValue(at, out var state) && depth >= 0 && depth < state.Length ? state[state.Length - 1 - depth] : null;

    private static int Pushes(Instruction instruction)
    {
        switch (instruction.OpCode.StackBehaviourPush)
        {
            case StackBehaviour.Push0:
                return 0;
            case StackBehaviour.Push1_push1:
                return 2;
            case StackBehaviour.Varpush:
                var returnType = instruction.Operand is MethodReference m ? m.ReturnType
                    : instruction.Operand is CallSite site ? site.ReturnType
                    : null;

                // An init accessor returns "void modreq(IsExternalInit)": still void.
                return returnType == null ? -1 : TypeModifiers.Strip(returnType).MetadataType == MetadataType.Void ? 0 : 1;
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
            case StackBehaviour.PopAll:
                return 0; // leave: the branch target gets an empty stack
            case StackBehaviour.Varpop:
                if (instruction.OpCode.Code == Code.Ret)
                {
                    return 0; // no successor: its operand count does not matter
                }

                if (instruction.Operand is CallSite site)
                {
                    return site.Parameters.Count + (site.HasThis ? 1 : 0) + 1; // calli: the function pointer too
                }

                return instruction.Operand is MethodReference m
                    ? m.Parameters.Count + (m.HasThis && instruction.OpCode.Code != Code.Newobj ? 1 : 0)
                    : -1;
            default:
                return -1;
        }
    }
}
