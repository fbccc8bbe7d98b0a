namespace NbaSim.Observability.Cli.Input;

/// <summary>An input the user named cannot be used (missing, a directory, over its size limit): exit code 2.</summary>
internal sealed class CliInputException(string message, Exception? inner = null) : Exception(message, inner);
