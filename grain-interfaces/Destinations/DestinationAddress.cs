using System.Text.RegularExpressions;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>The kinds of destination an invocation record can go to.</summary>
public enum DestinationKind
{
    /// <summary>The built-in durable queue (<c>queue://name</c>, an SQS ARN).</summary>
    Queue,

    /// <summary>A fan-out topic (<c>topic://name</c>, an SNS ARN).</summary>
    Topic,

    /// <summary>Another function (<c>function://name[:qualifier]</c>, a Lambda ARN).</summary>
    Function,

    /// <summary>An event bus (<c>eventbus://name</c>, an EventBridge bus ARN).</summary>
    EventBus,

    /// <summary>An HTTP callback (<c>https://…</c>).</summary>
    Webhook,

    /// <summary>A bucket (an S3 ARN); failure destinations only.</summary>
    Bucket,

    /// <summary>A RabbitMQ exchange (<c>amqp://user:pass@host:port/vhost?exchange=x&amp;routingKey=k</c>, or <c>amqps://</c>).</summary>
    RabbitMq,
}

/// <summary>A parsed destination URI or ARN.</summary>
/// <param name="Kind">What kind of target it is.</param>
/// <param name="Name">The queue, topic, function, bus or bucket name; the URL for a webhook; the canonical AMQP URI, credentials included, for RabbitMQ.</param>
/// <param name="Qualifier">The function qualifier, for function destinations.</param>
/// <param name="Original">The text as configured.</param>
public sealed partial record DestinationAddress(DestinationKind Kind, string Name, string? Qualifier, string Original)
{
    /// <summary>
    /// The target's one identity, whatever the spelling: <c>queue://q</c> and <c>arn:aws:sqs:…:q</c> are both
    /// <c>queue://q</c>; options such as <c>?format=</c> are not part of it. Deliveries, their counters and their
    /// parked entries are kept under this key.
    /// </summary>
    public string Key => Kind switch
    {
        DestinationKind.Queue => "queue://" + Name,
        DestinationKind.Topic => "topic://" + Name,
        DestinationKind.EventBus => "eventbus://" + Name,
        DestinationKind.Function => Qualifier is null || Qualifier == Functions.FunctionNames.Latest ? "function://" + Name : $"function://{Name}:{Qualifier}",
        DestinationKind.Bucket => "arn:aws:s3:::" + Name,
        _ => Name,
    };

    /// <summary>
    /// The key as it may be shown (logs, metrics, traces, error messages): the key with any credentials replaced by
    /// <c>***</c>. A RabbitMQ key holds the broker's user and password, since delivering needs them.
    /// </summary>
    public string Shown => Kind == DestinationKind.RabbitMq ? AmqpAddress.Redact(Name) : WithoutUserInfo(Key);

    /// <summary>The shown key: a record prints every member, and a RabbitMQ destination's name and original hold a password.</summary>
    public override string ToString() => Shown;

    /// <summary><paramref name="text"/> (a destination as configured) with the credentials of any URI in it replaced by <c>***</c>.</summary>
    public static string Redact(string text) => TryParse(text)?.Shown ?? WithoutUserInfo(text);

    private static string WithoutUserInfo(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? text.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : text;

    /// <summary>The canonical key of <paramref name="text"/>, or <c>null</c> when it names no supported target.</summary>
    public static string? KeyOf(string? text) => TryParse(text)?.Key;

    /// <summary>Parses a destination; returns <c>null</c> when the text names no supported target.</summary>
    public static DestinationAddress? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 1024)
        {
            return null;
        }

        var core = text;
        var query = text.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0 && !text.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            core = text[..query];
        }

        if (core.StartsWith("arn:", StringComparison.Ordinal))
        {
            return ParseArn(core, text);
        }

        if (AmqpAddress.IsAmqp(text))
        {
            return AmqpAddress.Canonical(text) is { } canonical ? new(DestinationKind.RabbitMq, canonical, null, text) : null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && !string.IsNullOrEmpty(uri.Host))
        {
            return new DestinationAddress(DestinationKind.Webhook, uri.ToString(), null, text);
        }

        var schemeEnd = core.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var scheme = core[..schemeEnd];
        var rest = core[(schemeEnd + 3)..];
        return scheme switch
        {
            "queue" when ResourceName().IsMatch(rest) => new(DestinationKind.Queue, rest, null, text),
            "topic" when ResourceName().IsMatch(rest) => new(DestinationKind.Topic, rest, null, text),
            "eventbus" when ResourceName().IsMatch(rest) => new(DestinationKind.EventBus, rest, null, text),
            "function" => ParseFunction(rest, text),
            _ => null,
        };
    }

    private static DestinationAddress? ParseArn(string arn, string original)
    {
        var parts = arn.Split(':');
        if (parts.Length < 6 || parts[1] is not ("aws" or "aws-cn" or "aws-us-gov"))
        {
            return null;
        }

        var service = parts[2];
        var resource = string.Join(':', parts[5..]);
        return service switch
        {
            "sqs" when ResourceName().IsMatch(resource) => new(DestinationKind.Queue, resource, null, original),
            "sns" when ResourceName().IsMatch(resource) => new(DestinationKind.Topic, resource, null, original),
            "lambda" when resource.StartsWith("function:", StringComparison.Ordinal) =>
                ParseFunction(resource["function:".Length..], original),
            "events" when resource.StartsWith("event-bus/", StringComparison.Ordinal)
                && ResourceName().IsMatch(resource["event-bus/".Length..]) =>
                new(DestinationKind.EventBus, resource["event-bus/".Length..], null, original),
            "s3" when resource.Length is > 2 and <= 63 => new(DestinationKind.Bucket, resource, null, original),
            _ => null,
        };
    }

    private static DestinationAddress? ParseFunction(string text, string original)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        var qualifier = colon < 0 ? null : text[(colon + 1)..];
        if (!Functions.FunctionNames.IsValid(name) || (qualifier is not null && !QualifierPattern().IsMatch(qualifier)))
        {
            return null;
        }

        return new DestinationAddress(DestinationKind.Function, name, qualifier, original);
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceName();

    [GeneratedRegex(@"^(\$LATEST|[a-zA-Z0-9_-]{1,128})$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifierPattern();
}
