using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Cli.Aws.Sns;

/// <summary>CreateTopic (idempotent: the same name returns the same ARN).</summary>
internal sealed class CreateTopicRequest : AwsRequest<CreateTopicResponse>
{
    /// <summary>Topic name.</summary>
    public required string Name { get; init; }

    /// <summary>Attributes (e.g. DisplayName, Policy).</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    internal override string Operation => "CreateTopic";

    internal override void Write(IShapeWriter w)
    {
        w.String("Name", Name);
        w.StringMap("Attributes", Attributes);
        if (Tags is { Count: > 0 })
        {
            w.List("Tags", Tags.ToList(), static (m, t) =>
            {
                m.String("Key", t.Key);
                m.String("Value", t.Value);
            });
        }
    }
}

/// <summary>The answer to CreateTopic.</summary>
internal sealed class CreateTopicResponse : AwsResponse
{
    /// <summary>The topic's ARN.</summary>
    public string TopicArn { get; private set; } = string.Empty;

    internal override void Read(ShapeNode result) => TopicArn = result.String("TopicArn") ?? string.Empty;
}

/// <summary>Subscribe: email, sms, https, sqs or lambda endpoints.</summary>
internal sealed class SubscribeRequest : AwsRequest<SubscribeResponse>
{
    /// <summary>Topic ARN.</summary>
    public required string TopicArn { get; init; }

    /// <summary>email, sms, https, http, sqs, lambda, …</summary>
    public required string Protocol { get; init; }

    /// <summary>The address, phone number, URL or ARN.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Return the ARN even while confirmation is pending.</summary>
    public bool? ReturnSubscriptionArn { get; init; }

    internal override string Operation => "Subscribe";

    internal override void Write(IShapeWriter w)
    {
        w.String("TopicArn", TopicArn);
        w.String("Protocol", Protocol);
        w.String("Endpoint", Endpoint);
        w.Boolean("ReturnSubscriptionArn", ReturnSubscriptionArn);
    }
}

/// <summary>The answer to Subscribe.</summary>
internal sealed class SubscribeResponse : AwsResponse
{
    /// <summary>The subscription ARN, or "pending confirmation".</summary>
    public string? SubscriptionArn { get; private set; }

    internal override void Read(ShapeNode result) => SubscriptionArn = result.String("SubscriptionArn");
}

/// <summary>ListSubscriptionsByTopic.</summary>
internal sealed class ListSubscriptionsByTopicRequest : AwsRequest<ListSubscriptionsByTopicResponse>
{
    /// <summary>Topic ARN.</summary>
    public required string TopicArn { get; init; }

    /// <summary>Page token.</summary>
    public string? NextToken { get; init; }

    internal override string Operation => "ListSubscriptionsByTopic";

    internal override void Write(IShapeWriter w)
    {
        w.String("TopicArn", TopicArn);
        w.String("NextToken", NextToken);
    }
}

/// <summary>A subscription of a topic.</summary>
internal sealed record Subscription(string? SubscriptionArn, string? Owner, string Protocol, string Endpoint, string? TopicArn);

/// <summary>The answer to ListSubscriptionsByTopic.</summary>
internal sealed class ListSubscriptionsByTopicResponse : AwsResponse
{
    /// <summary>Subscriptions.</summary>
    public IReadOnlyList<Subscription> Subscriptions { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextToken = result.String("NextToken");
        Subscriptions = result.List("Subscriptions")
            .Select(s => new Subscription(s.String("SubscriptionArn"), s.String("Owner"), s.String("Protocol") ?? string.Empty, s.String("Endpoint") ?? string.Empty, s.String("TopicArn")))
            .ToList();
    }
}

/// <summary>Publish a message to a topic.</summary>
internal sealed class PublishRequest : AwsRequest<PublishResponse>
{
    /// <summary>Topic ARN.</summary>
    public required string TopicArn { get; init; }

    /// <summary>Message.</summary>
    public required string Message { get; init; }

    /// <summary>Subject (email).</summary>
    public string? Subject { get; init; }

    internal override string Operation => "Publish";

    internal override void Write(IShapeWriter w)
    {
        w.String("TopicArn", TopicArn);
        w.String("Message", Message);
        w.String("Subject", Subject);
    }
}

/// <summary>The answer to Publish.</summary>
internal sealed class PublishResponse : AwsResponse
{
    /// <summary>Message id.</summary>
    public string? MessageId { get; private set; }

    internal override void Read(ShapeNode result) => MessageId = result.String("MessageId");
}

/// <summary>GetTopicAttributes.</summary>
internal sealed class GetTopicAttributesRequest : AwsRequest<GetTopicAttributesResponse>
{
    /// <summary>Topic ARN.</summary>
    public required string TopicArn { get; init; }

    internal override string Operation => "GetTopicAttributes";

    internal override void Write(IShapeWriter w) => w.String("TopicArn", TopicArn);
}

/// <summary>The answer to GetTopicAttributes.</summary>
internal sealed class GetTopicAttributesResponse : AwsResponse
{
    /// <summary>Attributes (Policy, DisplayName, TopicArn, …).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; private set; } = new Dictionary<string, string>();

    internal override void Read(ShapeNode result) => Attributes = result.StringMap("Attributes");
}

/// <summary>SetTopicAttributes, e.g. the Policy that lets CloudWatch alarms publish.</summary>
internal sealed class SetTopicAttributesRequest : AwsRequest<SetTopicAttributesResponse>
{
    /// <summary>Topic ARN.</summary>
    public required string TopicArn { get; init; }

    /// <summary>Attribute name, e.g. Policy.</summary>
    public required string AttributeName { get; init; }

    /// <summary>Attribute value.</summary>
    public required string AttributeValue { get; init; }

    internal override string Operation => "SetTopicAttributes";

    internal override void Write(IShapeWriter w)
    {
        w.String("TopicArn", TopicArn);
        w.String("AttributeName", AttributeName);
        w.String("AttributeValue", AttributeValue);
    }
}

/// <summary>The (empty) answer to SetTopicAttributes.</summary>
internal sealed class SetTopicAttributesResponse : AwsResponse;

/// <summary>The SNS operations this product uses (API 2010-03-31).</summary>
internal interface ISnsClient : IAwsClient;

/// <summary>The SNS operations by name, each a typed <see cref="IAwsClient.SendAsync{TResponse}"/>.</summary>
internal static class SnsOperations
{
    /// <summary>CreateTopic.</summary>
    public static Task<CreateTopicResponse> CreateTopicAsync(this ISnsClient client, CreateTopicRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>Subscribe.</summary>
    public static Task<SubscribeResponse> SubscribeAsync(this ISnsClient client, SubscribeRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>ListSubscriptionsByTopic.</summary>
    public static Task<ListSubscriptionsByTopicResponse> ListSubscriptionsByTopicAsync(this ISnsClient client, ListSubscriptionsByTopicRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>Publish.</summary>
    public static Task<PublishResponse> PublishAsync(this ISnsClient client, PublishRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>GetTopicAttributes.</summary>
    public static Task<GetTopicAttributesResponse> GetTopicAttributesAsync(this ISnsClient client, GetTopicAttributesRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>SetTopicAttributes.</summary>
    public static Task<SetTopicAttributesResponse> SetTopicAttributesAsync(this ISnsClient client, SetTopicAttributesRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);
}

/// <summary>Configuration of <see cref="SnsClient"/> (signing name <c>sns</c>).</summary>
internal sealed class SnsClientConfig : AwsServiceConfig
{
    /// <summary>Creates the configuration.</summary>
    public SnsClientConfig()
        : base("SNS", "sns", "sns", SnsClient.ApiVersion)
    {
    }
}

/// <summary>SNS over awsQuery on AWSSDK.Core's runtime.</summary>
internal sealed class SnsClient : AwsServiceClient, ISnsClient
{
    internal const string ApiVersion = "2010-03-31";
    internal static readonly AwsQueryProtocol Protocol = new("SimpleNotificationService", ApiVersion);

    /// <summary>Creates a client with explicit credentials (null: the default chain).</summary>
    public SnsClient(AWSCredentials? credentials, SnsClientConfig config)
        : base(credentials, config, Protocol)
    {
    }
}
