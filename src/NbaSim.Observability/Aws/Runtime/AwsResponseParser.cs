using System.Text.Json;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws;

/// <summary>Builds responses from JSON bodies, for simulated sources and tests that stand in for a service.</summary>
internal static class AwsResponseParser
{
    /// <summary>Parses <paramref name="json"/> as the AWS JSON body of a <typeparamref name="TResponse"/>.</summary>
    public static TResponse ParseJson<TResponse>(string json)
        where TResponse : AwsResponse, new()
    {
        using var document = JsonDocument.Parse(json);
        var response = new TResponse();
        response.Read(ShapeNode.Of(document.RootElement));
        return response;
    }
}
