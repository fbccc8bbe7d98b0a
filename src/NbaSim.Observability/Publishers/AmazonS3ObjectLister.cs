using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace NbaSim.Observability;

/// <summary>ListObjectsV2 through AWSSDK.S3's paginator.</summary>
public sealed class AmazonS3ObjectLister(IAmazonS3 s3) : IS3ObjectLister
{
    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<S3ObjectEntry>> ListPagesAsync(string bucket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var paginator = s3.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = bucket });
        await foreach (var page in paginator.Responses.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var objects = page.S3Objects;
            yield return objects is null ? [] : objects.Select(o => new S3ObjectEntry(o.Key, o.Size ?? 0)
            {
                LastModified = o.LastModified is { } modified ? new DateTimeOffset(modified.Kind == DateTimeKind.Local ? modified.ToUniversalTime() : DateTime.SpecifyKind(modified, DateTimeKind.Utc)) : null,
            }).ToList();
        }
    }
}
