using Mono.Cecil;
using Mono.Cecil.Cil;

namespace NbaSim.Observability.Fody;

/// <content>The holder type: one static OperationProfile field per profiled method, created in its static constructor.</content>
public sealed partial class NbaSimProfilingWeaver
{
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
}
