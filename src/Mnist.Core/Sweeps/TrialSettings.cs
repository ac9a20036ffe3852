using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mnist.Core.Sweeps;

/// <summary>One trial of a sweep: its number and the value of each swept parameter, in the sweep's order.</summary>
public sealed class TrialSettings
{
    public TrialSettings(int number, IReadOnlyList<KeyValuePair<string, JsonNode>> values)
    {
        Number = number;
        Values = values;
        Key = new JsonObject(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.DeepClone()))).ToJsonString();
    }

    public int Number { get; }
    public IReadOnlyList<KeyValuePair<string, JsonNode>> Values { get; }

    /// <summary>The settings as one canonical JSON text: two trials with the same key train the same model.</summary>
    public string Key { get; }

    public string Id => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key)))[..12].ToLowerInvariant();

    /// <summary>'LearningRate=0.001, Architecture=Mlp': how tables and charts show the trial.</summary>
    public string Description => string.Join(", ", Values.Select(p => $"{p.Key}={Show(p.Value)}"));

    public static string Show(JsonNode? value) => value switch
    {
        null => "",
        JsonArray items => "[" + string.Join(", ", items.Select(Show)) + "]",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => value.ToJsonString(),
    };

    public override string ToString() => $"Trial {Number}: {Description}";
}
