using BenchmarkDotNet.Running;
using NbaSim.Observability.Benchmarks;

if (args.Length > 0 && args[0] == "s3-memory")
{
    return await S3ListingMemory.RunAsync(args.Length > 1 ? args[1..] : ["10000", "100000", "1000000"]);
}

if (args.Length > 0 && args[0] == "junit-memory")
{
    return NbaSim.Observability.Benchmarks.JUnitMemory.Run(args.Length > 1 ? args[1..] : ["5", "50"]);
}

if (args.Length > 0 && args[0] == "async-pairs")
{
    return AsyncPairs.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "soak-server")
{
    return await Soak.ServeAsync();
}

if (args.Length > 0 && args[0] == "soak")
{
    return await Soak.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(NbaSim.Observability.Benchmarks.JUnitMemory).Assembly).Run(args);
return 0;
