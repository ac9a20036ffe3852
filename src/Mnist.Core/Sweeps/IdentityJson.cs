using System.Text.Json.Nodes;
using Mnist.Core.Data;

namespace Mnist.Core.Sweeps;

/// <summary>A dataset's identity as JSON: how a sweep records its data and asks another machine for it by name.</summary>
public static class IdentityJson
{
    private const int MaxClassNames = InputLimits.MaxClasses;

    public static JsonObject ToJson(DataIdentity identity) => new()
    {
        ["Name"] = identity.Name,
        ["Checksums"] = new JsonObject(identity.Checksums.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["ClassNames"] = new JsonArray(identity.ClassNames.Select(n => (JsonNode)n).ToArray()),
        ["TrainCount"] = identity.TrainCount,
        ["TestCount"] = identity.TestCount,
        ["Parts"] = new JsonArray(identity.Parts.Select(p => (JsonNode)ToJson(p)).ToArray()),
    };

    public static string ToText(DataIdentity identity) => ToJson(identity).ToJsonString();

    public static DataIdentity FromText(string text, string source) => FromJson(JsonNode.Parse(text), source);

    public static DataIdentity FromJson(JsonNode? node, string source, int depth = 0)
    {
        try
        {
            var json = node?.AsObject() ?? throw new FormatException("no identity");
            var classNames = json["ClassNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            if (classNames.Length is 0 or > MaxClassNames || classNames.Any(string.IsNullOrEmpty)) throw new FormatException($"{classNames.Length} class names, or an empty one");
            if (depth > 1) throw new FormatException("parts nested in parts");
            var parts = json["Parts"]?.AsArray().Select(p => FromJson(p, source, depth + 1)).ToArray();
            return new DataIdentity(
                json["Name"]!.GetValue<string>(),
                json["Checksums"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()),
                classNames,
                json["TrainCount"]!.GetValue<int>(),
                json["TestCount"]!.GetValue<int>(),
                parts);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new MnistException("SweepDataInvalid", MnistErrorKind.InvalidData, $"'{source}' does not hold a valid data identity: {e.Message}", source);
        }
    }

    /// <summary>A known dataset named by its identity, loaded from this machine's cache (a slice of it when the identity is one), or null.</summary>
    public static MnistDataset? LocateInCache(string identityText, string cacheRoot)
    {
        var identity = FromText(identityText, "the trial's data identity");
        var found = TrainingDataLocator.Locate(identity, cacheRoot);
        return found is not null && found.Identity.IsSameDataAs(identity) ? found : null;
    }
}
