using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Configuration;

/// <summary>A list given in configuration replaces the default list, from every source.</summary>
public sealed class ListOptionsTests(MotoServer moto)
{
    public static TheoryData<string> Lists => ["S3Inventory:Buckets", "Monitoring:AlertEmails", "Monitoring:AlertPhoneNumbers", "Monitoring:ProfiledOperations", "Monitoring:TestSuites", "Monitoring:Pipelines"];

    [Theory]
    [MemberData(nameof(Lists))]
    public void From_a_JSON_file_a_list_replaces_the_default(string key)
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-lists-");
        var path = Path.Combine(dir.FullName, "appsettings.json");
        var parts = key.Split(':');
        File.WriteAllText(path, $$"""{ "NbaObservability": { "{{parts[0]}}": { "{{parts[1]}}": [ "only-one" ] } } }""");
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();

        Read(configuration, key).Should().Equal("only-one");
        dir.Delete(recursive: true);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void From_environment_variables_a_list_replaces_the_default(string key)
    {
        var variable = "NBAOBS_LISTTEST_NbaObservability__" + key.Replace(":", "__", StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(variable + "__0", "first");
        Environment.SetEnvironmentVariable(variable + "__1", "second");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables("NBAOBS_LISTTEST_").Build();
            Read(configuration, key).Should().Equal("first", "second");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable + "__0", null);
            Environment.SetEnvironmentVariable(variable + "__1", null);
        }
    }

    [Fact]
    public void Without_configuration_the_defaults_stay()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["NbaObservability:Exporter"] = "Emf" }).Build();
        Read(configuration, "S3Inventory:Buckets").Should().Equal("nba-sim-raw-data-lake");
        Read(configuration, "Monitoring:ProfiledOperations").Should().Equal("DataExtraction", "S3Upload", "Validation");
    }

    [Fact]
    public async Task From_the_command_line_publish_s3_bucket_inventories_that_bucket_only()
    {
        var url = await moto.UrlAsync();
        var bucket = $"only-{Guid.NewGuid():N}"[..20];
        using (var s3 = new Amazon.S3.AmazonS3Client(MotoServer.Credentials, new Amazon.S3.AmazonS3Config { ServiceURL = url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
        {
            await s3.PutBucketAsync(bucket, TestContext.Current.CancellationToken);
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "a.json", ContentBody = "{}" }, TestContext.Current.CancellationToken);
        }

        var (code, stdout, stderr) = await MonitoringAsCode.CliTests.RunAsync("publish", "s3", "--bucket", bucket, "--endpoint-url", url, "--output", "json");

        code.Should().Be(0, stderr);
        stdout.Should().Contain(bucket).And.NotContain("nba-sim-raw-data-lake", "the default bucket is replaced, not added to");
    }

    private static List<string> Read(IConfiguration configuration, string key)
    {
        using var provider = new ServiceCollection().AddNbaObservability(configuration).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        return key switch
        {
            "S3Inventory:Buckets" => options.S3Inventory.Buckets,
            "Monitoring:AlertEmails" => options.Monitoring.AlertEmails,
            "Monitoring:AlertPhoneNumbers" => options.Monitoring.AlertPhoneNumbers,
            "Monitoring:TestSuites" => options.Monitoring.TestSuites,
            "Monitoring:Pipelines" => options.Monitoring.Pipelines,
            _ => options.Monitoring.ProfiledOperations,
        };
    }
}
