namespace NbaSim.Observability.Aws.Protocol;

/// <summary>
/// Writes a request's members without knowing the wire format. <see cref="QueryShapeWriter"/> flattens them into
/// awsQuery form parameters (<c>MetricData.member.1.MetricName</c>); <see cref="JsonShapeWriter"/> nests them as JSON.
/// This is the seam where AWS JSON 1.0 or RPC v2 CBOR can be added for CloudWatch. Null members are omitted.
/// </summary>
internal interface IShapeWriter
{
    void String(string name, string? value);

    void Number(string name, double? value);

    void Integer(string name, long? value);

    void Boolean(string name, bool? value);

    void Timestamp(string name, DateTimeOffset? value);

    void Structure(string name, Action<IShapeWriter>? write);

    void List<T>(string name, IReadOnlyList<T>? items, Action<IShapeWriter, T> writeMember);

    void StringList(string name, IReadOnlyList<string>? items);

    void NumberList(string name, IReadOnlyList<double>? items);

    void StringMap(string name, IReadOnlyDictionary<string, string>? entries);
}
