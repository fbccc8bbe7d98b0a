namespace NbaSim.Observability.Cli;

/// <summary>
/// Warnings and errors of the pipeline as one line each on the command's error stream; the exception's stack only with
/// <c>--verbose</c> (a cron mail should say what happened, not where in our code).
/// </summary>
internal sealed class CliLoggerProvider(TextWriter error, bool verbose) : ILoggerProvider
{
    private readonly object _gate = new();

    public ILogger CreateLogger(string categoryName) => new CliLogger(this);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message, Exception? exception)
    {
        var prefix = level switch
        {
            LogLevel.Critical => "critical",
            LogLevel.Error => "error",
            _ => "warning",
        };
        lock (_gate)
        {
            error.WriteLine($"nbaobs: {prefix}: {message.ReplaceLineEndings(" ")}");
            if (verbose && exception is not null)
            {
                error.WriteLine(exception.ToString());
            }
        }
    }

    private sealed class CliLogger(CliLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
