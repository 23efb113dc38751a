using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Silo.Security;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>
/// EventBridge over the built-in event buses, in AWS JSON 1.1 (<c>X-Amz-Target: AWSEvents.&lt;Operation&gt;</c>). A bus
/// ARN <c>arn:aws:events:&lt;region&gt;:&lt;account&gt;:event-bus/&lt;name&gt;</c> names the same bus grain as a Lambda
/// destination and <c>/eventbuses/&lt;name&gt;</c>; rules are matched with EventBridge's pattern grammar. Each operation
/// checks the caller's permission itself.
/// </summary>
internal sealed partial class EventBridgeService(IGrainFactory grains, TimeProvider time, IOptions<AsyncInvokeOptions> options, FunctionArns arns) : IAwsService
{
    private const int MaxTargetsPerRule = 5;

    private static readonly Dictionary<string, Permission> Operations = new(StringComparer.Ordinal)
    {
        ["CreateEventBus"] = Permission.Manage,
        ["DeleteEventBus"] = Permission.Manage,
        ["ListEventBuses"] = Permission.Read,
        ["DescribeEventBus"] = Permission.Read,
        ["PutRule"] = Permission.Manage,
        ["DeleteRule"] = Permission.Manage,
        ["ListRules"] = Permission.Read,
        ["DescribeRule"] = Permission.Read,
        ["EnableRule"] = Permission.Manage,
        ["DisableRule"] = Permission.Manage,
        ["PutTargets"] = Permission.Manage,
        ["RemoveTargets"] = Permission.Manage,
        ["ListTargetsByRule"] = Permission.Read,
        ["PutEvents"] = Permission.Manage,
        ["TestEventPattern"] = Permission.Read,
    };

    private readonly string _account = options.Value.AccountId;
    private readonly string _region = options.Value.Region;

    public string? JsonTargetPrefix => "AWSEvents.";

    public string JsonContentType => "application/x-amz-json-1.1";

    /// <summary>EventBridge has no query protocol.</summary>
    public bool ServesAction(string action) => false;

    public JsonObject FromQuery(IReadOnlyDictionary<string, string> form) => [];

    public async Task<JsonObject> HandleAsync(AwsCall call)
    {
        if (!Operations.TryGetValue(call.Operation, out var permission))
        {
            throw AwsServiceException.UnknownOperation(call.Protocol, call.Operation);
        }

        var principal = call.Http.Features.Get<Principal>() ?? Principal.Anonymous;
        if (!principal.May(permission))
        {
            throw EventBridgeErrors.AccessDenied(
                $"User: arn:aws:iam::{_account}:user/{principal.Name} is not authorized to perform: events:{call.Operation} because its role '{principal.Role.ToString().ToLowerInvariant()}' does not allow it");
        }

        try
        {
            return call.Operation switch
            {
                "CreateEventBus" => await CreateEventBusAsync(call.Input),
                "DeleteEventBus" => await DeleteEventBusAsync(call.Input),
                "ListEventBuses" => await ListEventBusesAsync(call.Input),
                "DescribeEventBus" => await DescribeEventBusAsync(call.Input),
                "PutRule" => await PutRuleAsync(call.Input),
                "DeleteRule" => await DeleteRuleAsync(call.Input),
                "ListRules" => await ListRulesAsync(call.Input),
                "DescribeRule" => await DescribeRuleAsync(call.Input),
                "EnableRule" => await SetRuleStateAsync(call.Input, disabled: false),
                "DisableRule" => await SetRuleStateAsync(call.Input, disabled: true),
                "PutTargets" => await PutTargetsAsync(call.Input),
                "RemoveTargets" => await RemoveTargetsAsync(call.Input),
                "ListTargetsByRule" => await ListTargetsByRuleAsync(call.Input),
                "PutEvents" => await PutEventsAsync(call.Input),
                _ => TestEventPattern(call.Input),
            };
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode == ErrorCodes.InvalidEventPattern)
        {
            throw EventBridgeErrors.InvalidEventPattern(ex.Message);
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode == ErrorCodes.ResourceNotFound)
        {
            throw EventBridgeErrors.NotFound(ex.Message);
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode is ErrorCodes.InvalidParameterValue or ErrorCodes.Validation)
        {
            throw EventBridgeErrors.Validation(ex.Message);
        }
    }

    public IResult QueryResult(string operation, JsonObject output, string requestId) =>
        throw new InvalidOperationException("EventBridge has no query protocol.");

    public IResult Error(AwsProtocol protocol, AwsServiceException error, string requestId) =>
        AwsResults.Error(AwsProtocol.Json, error, requestId, JsonContentType, "");

    private string BusArn(string bus) => $"arn:aws:events:{_region}:{_account}:event-bus/{bus}";

    private string RuleArn(string bus, string rule) => bus == EventBusGrain.DefaultBus
        ? $"arn:aws:events:{_region}:{_account}:rule/{rule}"
        : $"arn:aws:events:{_region}:{_account}:rule/{bus}/{rule}";

    /// <summary>The bus a member names (a name or a bus ARN; absent: <c>default</c>), without checking that it exists.</summary>
    private string BusName(JsonObject input, string member = "EventBusName")
    {
        var given = EventBridgeErrors.Input.String(input, member);
        if (string.IsNullOrEmpty(given))
        {
            return EventBusGrain.DefaultBus;
        }

        var prefix = $"arn:aws:events:{_region}:{_account}:event-bus/";
        var name = given.StartsWith("arn:", StringComparison.Ordinal)
            ? given.StartsWith(prefix, StringComparison.Ordinal) ? given[prefix.Length..] : throw EventBridgeErrors.NotFound($"Event bus {AwsInput.Shown(given)} does not exist.")
            : given;
        return BusNamePattern().IsMatch(name) ? name : throw EventBridgeErrors.Validation(
            $"1 validation error detected: Value '{AwsInput.Shown(name)}' at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+");
    }

    /// <summary>The existing bus a member names.</summary>
    private async Task<(string Name, IEventBusGrain Bus)> BusAsync(JsonObject input, string member = "EventBusName")
    {
        var name = BusName(input, member);
        var bus = grains.GetGrain<IEventBusGrain>(name);
        return await bus.ExistsAsync() ? (name, bus) : throw EventBridgeErrors.NotFound($"Event bus {name} does not exist.");
    }

    /// <summary>Bus names the built-in buses take (EventBridge's without '/', which would not fit a destination URI).</summary>
    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex BusNamePattern();

    [GeneratedRegex(@"^[\.\-_A-Za-z0-9]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetIdPattern();
}
