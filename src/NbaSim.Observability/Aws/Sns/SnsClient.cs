using Amazon.Runtime;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Aws.Sns;

/// <summary>CreateTopic (idempotent: the same name returns the same ARN).</summary>
internal sealed class CreateTopicRequest : AwsRequest
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
internal sealed class SubscribeRequest : AwsRequest
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
internal sealed class ListSubscriptionsByTopicRequest : AwsRequest
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
internal sealed class PublishRequest : AwsRequest
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
internal sealed class GetTopicAttributesRequest : AwsRequest
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
internal sealed class SetTopicAttributesRequest : AwsRequest
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
internal interface ISnsClient : IDisposable
{
    /// <summary>CreateTopic.</summary>
    Task<CreateTopicResponse> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken = default);

    /// <summary>Subscribe.</summary>
    Task<SubscribeResponse> SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default);

    /// <summary>ListSubscriptionsByTopic.</summary>
    Task<ListSubscriptionsByTopicResponse> ListSubscriptionsByTopicAsync(ListSubscriptionsByTopicRequest request, CancellationToken cancellationToken = default);

    /// <summary>Publish.</summary>
    Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default);

    /// <summary>GetTopicAttributes.</summary>
    Task<GetTopicAttributesResponse> GetTopicAttributesAsync(GetTopicAttributesRequest request, CancellationToken cancellationToken = default);

    /// <summary>SetTopicAttributes.</summary>
    Task<SetTopicAttributesResponse> SetTopicAttributesAsync(SetTopicAttributesRequest request, CancellationToken cancellationToken = default);
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

    /// <inheritdoc />
    public Task<CreateTopicResponse> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken = default)
        => CallAsync<CreateTopicResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<SubscribeResponse> SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default)
        => CallAsync<SubscribeResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<ListSubscriptionsByTopicResponse> ListSubscriptionsByTopicAsync(ListSubscriptionsByTopicRequest request, CancellationToken cancellationToken = default)
        => CallAsync<ListSubscriptionsByTopicResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
        => CallAsync<PublishResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<GetTopicAttributesResponse> GetTopicAttributesAsync(GetTopicAttributesRequest request, CancellationToken cancellationToken = default)
        => CallAsync<GetTopicAttributesResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<SetTopicAttributesResponse> SetTopicAttributesAsync(SetTopicAttributesRequest request, CancellationToken cancellationToken = default)
        => CallAsync<SetTopicAttributesResponse>(request, cancellationToken);
}
