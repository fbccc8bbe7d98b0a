using Mono.Cecil;

namespace NbaSim.Observability.Fody;

/// <content>Checks a method and its attribute before anything is woven: what cannot be timed is a build error naming the method.</content>
public sealed partial class NbaSimProfilingWeaver
{
    /// <summary>MethodImplAttributes.Async (0x2000), set on runtime-async methods.</summary>
    private const int RuntimeAsyncFlag = 0x2000;

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

        // .NET 10's runtime-async (the preview compiler feature runtime-async=on) compiles an async method without a
        // state machine: its IL returns the result itself and the runtime makes the task. Not woven yet.
        if (((int)method.ImplAttributes & RuntimeAsyncFlag) != 0)
        {
            return "it is compiled as a runtime-async method (runtime-async=on), which the weaver does not support yet; build it without that feature to profile it.";
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
}
