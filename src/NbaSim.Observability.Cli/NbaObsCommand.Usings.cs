// Namespaces most of NbaObsCommand's partial files use, declared once for the project.
global using System.Globalization;
global using System.Text.Json;
global using Amazon.Runtime;
global using Microsoft.Extensions.Configuration;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using NbaSim.Observability.Aws.CloudWatch;
global using NbaSim.Observability.Cli.Aws.CloudWatch;
global using NbaSim.Observability.Cli.Aws.Sns;
global using NbaSim.Observability.Cli.Aws.Sts;
global using NbaSim.Observability.Cli.CiCd;
global using NbaSim.Observability.Cli.MonitoringAsCode;
global using NbaSim.Observability.Publishers;
