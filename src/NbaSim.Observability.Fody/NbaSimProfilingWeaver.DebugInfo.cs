using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace NbaSim.Observability.Fody;

/// <content>Debug information: the woven code is hidden from the debugger, the user's lines stay steppable.</content>
public sealed partial class NbaSimProfilingWeaver
{
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
}
