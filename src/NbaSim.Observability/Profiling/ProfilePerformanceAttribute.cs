namespace NbaSim.Observability;

/// <summary>
/// Times the method and records <c>&lt;Operation&gt;Duration</c> (Seconds) to <c>NBA-Simulator/Performance</c> with the
/// dimension <c>Status</c> = <c>success</c> | <c>failure</c> | <c>cancelled</c>. The timing is woven into the method at
/// compile time by the NbaSim.Observability build step (no proxy, no reflection per call). Async methods
/// (<see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/>, <see cref="ValueTask{TResult}"/>) are timed
/// until they complete. A call that throws or faults is a <c>failure</c>; one that ends the way the caller's <c>await</c>
/// sees as an <see cref="OperationCanceledException"/> (a cancelled task, or one faulted by that exception) is
/// <c>cancelled</c>. The exception propagates unchanged.
/// </summary>
/// <remarks>
/// Misuse breaks the build with a diagnostic naming the method: iterators, async iterators, <c>async void</c>,
/// abstract or extern methods, and operation names, namespaces or dimensions that CloudWatch would refuse.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ProfilePerformanceAttribute : Attribute
{
    /// <summary>The namespace durations go to unless <see cref="Namespace"/> says otherwise.</summary>
    public const string DefaultNamespace = "NBA-Simulator/Performance";

    /// <summary>Profiles the method as <paramref name="operation"/>; the metric is <c>&lt;operation&gt;Duration</c>.</summary>
    /// <param name="operation">Operation name, e.g. <c>S3Upload</c>.</param>
    public ProfilePerformanceAttribute(string operation)
    {
        Operation = operation;
    }

    /// <summary>The operation name; the metric is named <c>&lt;Operation&gt;Duration</c>.</summary>
    public string Operation { get; }

    /// <summary>The CloudWatch namespace. Default: <c>NBA-Simulator/Performance</c>.</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>Extra constant dimensions as <c>Name=Value</c> strings, e.g. <c>"Scraper=espn"</c>.</summary>
    public string[] Dimensions { get; set; } = [];

    /// <summary>Aggregate per second and publish with StorageResolution 1.</summary>
    public bool HighResolution { get; set; }

    /// <summary>
    /// Also publish the duration without the <c>Status</c> dimension (all outcomes together, merged exactly), so a
    /// query with no dimensions (<c>["NBA-Simulator/Performance", "DataExtractionDuration"]</c>) has data. One more custom
    /// metric per operation. Default false.
    /// </summary>
    public bool Rollup { get; set; }
}
