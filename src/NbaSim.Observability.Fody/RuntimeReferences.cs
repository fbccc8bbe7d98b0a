using System.Linq;
using Fody;
using Mono.Cecil;

namespace NbaSim.Observability.Fody;

/// <summary>The runtime members of NbaSim.Observability that woven code calls, imported into the woven module.</summary>
internal sealed class RuntimeReferences
{
    private readonly ModuleDefinition _module;
    private readonly MethodDefinition _trackTask;
    private readonly MethodDefinition _trackTaskOfT;
    private readonly MethodDefinition _trackValueTask;
    private readonly MethodDefinition _trackValueTaskOfT;

    public RuntimeReferences(BaseModuleWeaver weaver, ModuleDefinition module)
    {
        _module = module;
        var profile = weaver.FindTypeDefinition("NbaSim.Observability.OperationProfile");
        var runtime = weaver.FindTypeDefinition("NbaSim.Observability.ProfileRuntime");
        OperationProfile = module.ImportReference(profile);
        OperationProfileCtor = module.ImportReference(profile.Methods.Single(m => m.IsConstructor && !m.IsStatic && m.Parameters.Count == 5));
        OperationProfileRollupCtor = module.ImportReference(profile.Methods.Single(m => m.IsConstructor && !m.IsStatic && m.Parameters.Count == 6));
        Record = module.ImportReference(profile.Methods.Single(m => m.Name == "Record" && m.Parameters.Count == 3));
        RecordException = module.ImportReference(profile.Methods.Single(m => m.Name == "RecordException"));
        OperationCanceledException = module.ImportReference(weaver.FindTypeDefinition("System.OperationCanceledException"));
        Exception = module.ImportReference(weaver.FindTypeDefinition("System.Exception"));
        Start = module.ImportReference(runtime.Methods.Single(m => m.Name == "Start"));
        var tracks = runtime.Methods.Where(m => m.Name == "Track").ToList();
        _trackTask = tracks.Single(m => !m.HasGenericParameters && m.ReturnType.FullName == "System.Threading.Tasks.Task");
        _trackTaskOfT = tracks.Single(m => m.HasGenericParameters && m.ReturnType.GetElementType().FullName == "System.Threading.Tasks.Task`1");
        _trackValueTask = tracks.Single(m => !m.HasGenericParameters && m.ReturnType.FullName == "System.Threading.Tasks.ValueTask");
        _trackValueTaskOfT = tracks.Single(m => m.HasGenericParameters && m.ReturnType.GetElementType().FullName == "System.Threading.Tasks.ValueTask`1");
    }

    public TypeReference OperationProfile { get; }

    public MethodReference OperationProfileCtor { get; }

    /// <summary><c>OperationProfile(string, string, bool, string[], string method, bool rollup)</c>.</summary>
    public MethodReference OperationProfileRollupCtor { get; }

    /// <summary><c>OperationProfile.Record(long start, bool succeeded, bool cancelled)</c>.</summary>
    public MethodReference Record { get; }

    /// <summary><c>OperationProfile.RecordException(long start, Exception exception)</c>.</summary>
    public MethodReference RecordException { get; }

    public TypeReference OperationCanceledException { get; }

    public TypeReference Exception { get; }

    public MethodReference Start { get; }

    /// <summary>The Track overload for an awaitable return type, or null for a synchronous method.</summary>
    public MethodReference TrackFor(TypeReference returnType)
    {
        returnType = TypeModifiers.Strip(returnType);
        if (returnType.IsByReference)
        {
            // ref Task: the caller gets a reference to a variable, not a task of this call; time the call itself.
            return null;
        }

        switch (returnType.GetElementType().FullName)
        {
            case "System.Threading.Tasks.Task":
                return _module.ImportReference(_trackTask);
            case "System.Threading.Tasks.ValueTask":
                return _module.ImportReference(_trackValueTask);
            case "System.Threading.Tasks.Task`1":
                return Instantiate(_trackTaskOfT, returnType);
            case "System.Threading.Tasks.ValueTask`1":
                return Instantiate(_trackValueTaskOfT, returnType);
            default:
                return null;
        }
    }

    private GenericInstanceMethod Instantiate(MethodDefinition generic, TypeReference returnType)
    {
        var instance = new GenericInstanceMethod(_module.ImportReference(generic));
        instance.GenericArguments.Add(((GenericInstanceType)returnType).GenericArguments[0]);
        return instance;
    }
}
