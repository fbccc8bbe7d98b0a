using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NbaSim.Observability;

/// <summary>Helpers the weaver calls from profiled methods. Not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProfileRuntime
{
    /// <summary>The start timestamp of a call.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>
    /// Times <paramref name="task"/> until it completes and returns the same task (identity and exceptions kept). A task
    /// that faults with an <see cref="OperationCanceledException"/> counts as cancelled, as the caller's <c>await</c> sees it.
    /// </summary>
    public static Task Track(Task task, OperationProfile profile, long start)
    {
        if (task is null)
        {
            profile.Record(start, succeeded: false);
            return task!;
        }

        if (task.IsCompleted)
        {
            profile.Record(start, task.Status == TaskStatus.RanToCompletion, Cancelled(task));
            return task;
        }

        _ = task.ContinueWith(
            static (completed, state) => ((Tracking)state!).Record(completed),
            new Tracking(profile, start),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Times <paramref name="task"/> until it completes and returns the same task (identity and exceptions kept).</summary>
    public static Task<T> Track<T>(Task<T> task, OperationProfile profile, long start)
    {
        Track((Task)task, profile, start);
        return task;
    }

    /// <summary>Times <paramref name="task"/> until it completes; returns it unchanged when already complete.</summary>
    public static ValueTask Track(ValueTask task, OperationProfile profile, long start)
    {
        if (task.IsCompletedSuccessfully || task.IsCanceled)
        {
            profile.Record(start, task.IsCompletedSuccessfully, task.IsCanceled);
            return task;
        }

        // Pending or faulted: awaited here, so the exception the caller sees decides the status (a faulted ValueTask
        // cannot be inspected without consuming it).
        return Await(task, profile, start);

        // Pooled builder: an asynchronously completing call adds no allocation once the pool is warm.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        static async ValueTask Await(ValueTask task, OperationProfile profile, long start)
        {
            try
            {
                await task.ConfigureAwait(false);
                profile.Record(start, succeeded: true);
            }
            catch (Exception ex)
            {
                profile.RecordException(start, ex);
                throw;
            }
        }
    }

    /// <summary>Times <paramref name="task"/> until it completes; returns it unchanged when already complete.</summary>
    public static ValueTask<T> Track<T>(ValueTask<T> task, OperationProfile profile, long start)
    {
        if (task.IsCompletedSuccessfully || task.IsCanceled)
        {
            profile.Record(start, task.IsCompletedSuccessfully, task.IsCanceled);
            return task;
        }

        return Await(task, profile, start);

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        static async ValueTask<T> Await(ValueTask<T> task, OperationProfile profile, long start)
        {
            try
            {
                var result = await task.ConfigureAwait(false);
                profile.Record(start, succeeded: true);
                return result;
            }
            catch (Exception ex)
            {
                profile.RecordException(start, ex);
                throw;
            }
        }
    }

    /// <summary>Cancelled as the caller's <c>await</c> sees it: a cancelled task, or one faulted by an OperationCanceledException.</summary>
    private static bool Cancelled(Task task)
        => task.IsCanceled || (task.IsFaulted && task.Exception?.InnerException is OperationCanceledException);

    private sealed class Tracking(OperationProfile profile, long start)
    {
        public void Record(Task completed) => profile.Record(start, completed.Status == TaskStatus.RanToCompletion, Cancelled(completed));
    }
}
