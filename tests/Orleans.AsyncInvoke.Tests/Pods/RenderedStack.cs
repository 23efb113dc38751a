using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>
/// The manifests as <c>kubectl kustomize</c> renders them, and the environment the kubelet would give a container of
/// the silo Deployment: the image's <c>ENV</c>, then <c>envFrom</c> (ConfigMap, Secret), then <c>env</c> (values,
/// downward-API fields, Secret and ConfigMap keys), later ones winning, as in a pod.
/// </summary>
internal sealed class RenderedStack
{
    private readonly List<JsonObject> _objects;

    private RenderedStack(List<JsonObject> objects) => _objects = objects;

    /// <summary>Renders a kustomization directory (relative to the repository root).</summary>
    public static RenderedStack Render(string repositoryRoot, string directory)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(repositoryRoot, directory)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var yaml = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} failed: {error.Result}");
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new RenderedStack([.. stream.Documents.Select(d => (JsonObject)ToJson(d.RootNode)!)]);
    }

    /// <summary>The one object of this kind and name.</summary>
    public JsonObject Get(string kind, string name) =>
        _objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    /// <summary>The silo Deployment.</summary>
    public JsonObject Deployment => Get("Deployment", "asyncinvoke-silo");

    /// <summary>The silo container of the Deployment.</summary>
    public JsonObject SiloContainer => (JsonObject)Deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;

    /// <summary>An integer field of the silo container's readiness probe.</summary>
    public int ReadinessProbe(string field) => Int(SiloContainer["readinessProbe"]![field]!);

    /// <summary>The Deployment's grace period for a pod's stop.</summary>
    public TimeSpan TerminationGracePeriod => TimeSpan.FromSeconds(Int(Deployment["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!));

    private static int Int(JsonNode node) => int.Parse(node.ToString(), CultureInfo.InvariantCulture);

    /// <summary>The keys of a ConfigMap.</summary>
    public Dictionary<string, string> ConfigMap(string name) =>
        ((JsonObject?)Get("ConfigMap", name)["data"] ?? []).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal);

    /// <summary>The keys of a Secret (<c>stringData</c> over base64 <c>data</c>, as the API server merges them).</summary>
    public Dictionary<string, string> Secret(string name)
    {
        var secret = Get("Secret", name);
        var values = ((JsonObject?)secret["data"] ?? []).ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!)), StringComparer.Ordinal);
        foreach (var (key, value) in (JsonObject?)secret["stringData"] ?? [])
        {
            values[key] = value!.ToString();
        }

        return values;
    }

    /// <summary>
    /// The silo container's environment in a pod named <paramref name="podName"/> with IP <paramref name="podIp"/>.
    /// <paramref name="configMaps"/> and <paramref name="secrets"/> are the objects as applied (the rendered ones
    /// with whatever an operator changed in them).
    /// </summary>
    public Dictionary<string, string> PodEnvironment(
        string podName,
        string podIp,
        IReadOnlyDictionary<string, string> imageEnvironment,
        Func<string, Dictionary<string, string>> configMaps,
        Func<string, Dictionary<string, string>> secrets)
    {
        var namespaceName = (string?)Deployment["metadata"]!["namespace"] ?? "default";
        var env = new Dictionary<string, string>(imageEnvironment, StringComparer.Ordinal)
        {
            // What the kubelet adds to every container.
            ["HOSTNAME"] = podName,
            ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
            ["KUBERNETES_SERVICE_PORT"] = "443",
        };
        foreach (var source in (JsonArray?)SiloContainer["envFrom"] ?? [])
        {
            var values = source!["configMapRef"] is { } configMap ? configMaps((string)configMap["name"]!)
                : source["secretRef"] is { } secret ? secrets((string)secret["name"]!)
                : throw new NotSupportedException($"envFrom {source.ToJsonString()}");
            foreach (var (key, value) in values)
            {
                env[(string?)source["prefix"] + key] = value;
            }
        }

        foreach (var variable in (JsonArray?)SiloContainer["env"] ?? [])
        {
            var name = (string)variable!["name"]!;
            env[name] = variable["valueFrom"] switch
            {
                null => variable["value"]?.ToString() ?? "",
                { } from when from["fieldRef"] is { } field => (string)field["fieldPath"]! switch
                {
                    "status.podIP" => podIp,
                    "metadata.name" => podName,
                    "metadata.namespace" => namespaceName,
                    var path => throw new NotSupportedException($"fieldRef {path}"),
                },
                { } from when from["secretKeyRef"] is { } key => secrets((string)key["name"]!)[(string)key["key"]!],
                { } from when from["configMapKeyRef"] is { } key => configMaps((string)key["name"]!)[(string)key["key"]!],
                { } from => throw new NotSupportedException($"valueFrom {from.ToJsonString()}"),
            };
        }

        return env;
    }

    /// <summary>The <c>ENV</c> of the Dockerfile's last stage (the runtime image).</summary>
    public static Dictionary<string, string> ImageEnvironment(string dockerfile)
    {
        var lines = File.ReadAllLines(dockerfile);
        var runtime = Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = runtime; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("ENV ", StringComparison.Ordinal))
            {
                continue;
            }

            var statement = new StringBuilder(lines[i][4..]);
            while (statement.ToString().TrimEnd().EndsWith('\\'))
            {
                statement.Length = statement.ToString().TrimEnd().Length - 1;
                statement.Append(' ').Append(lines[++i].Trim());
            }

            foreach (var pair in statement.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                env[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return env;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };
}
