using NbaSim.Observability.Cli;

var cli = new NbaObsCommand(Console.Out, Console.Error);
return await cli.RunAsync(args);
