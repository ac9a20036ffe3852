using System.Text.Json.Nodes;
using Mnist.Core.Data;

namespace Mnist.Core.Sweeps;

/// <summary>
/// Everything that decides a sweep's results: the data, the swept parameters and their trials, the settings every
/// trial shares, the seed and the monitor. The sweep folder keeps it (sweep.json); running the same command again
/// must give the same definition, so a folder is never resumed by a different sweep.
/// </summary>
public sealed class SweepDefinition
{
    public const string FileName = "sweep.json";
    public const string Kind = "Mnist.Sweep";

    public SweepDefinition(IReadOnlyList<SweepDomain> domains, IReadOnlyList<TrialSettings> trials, int? count, long seed, string monitor,
        JsonObject shared, DataIdentity data)
    {
        Domains = domains;
        Trials = trials;
        Count = count;
        Seed = seed;
        Monitor = monitor;
        Shared = shared;
        Data = data;
    }

    public IReadOnlyList<SweepDomain> Domains { get; }
    public IReadOnlyList<TrialSettings> Trials { get; }
    public int? Count { get; }
    public long Seed { get; }
    public string Monitor { get; }

    /// <summary>Settings every trial gets (Epochs, ValidationSplit, ...), by the cmdlet parameter they are given to.</summary>
    public JsonObject Shared { get; }
    public DataIdentity Data { get; }

    /// <summary>Names the sweep where its trials need a name of their own (a remote machine's trial folders): the same for the same definition.</summary>
    public string Id => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ToJson().ToJsonString())))[..12].ToLowerInvariant();

    /// <summary>The seed a sweep folder recorded, so that running its command again without -Seed resumes the same sweep.</summary>
    public static long? RecordedSeed(string folder)
    {
        var file = Path.Combine(folder, FileName);
        try
        {
            return SweepJson.ReadFile<JsonObject>(file)?["Seed"]?.GetValue<long>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return null; // Opening the folder says what is wrong with it.
        }
    }

    public JsonObject ToJson() => new()
    {
        ["Kind"] = Kind,
        ["FormatVersion"] = 1,
        ["Search"] = Count is null ? "Grid" : "Random",
        ["Count"] = Count,
        ["Seed"] = Seed,
        ["Monitor"] = Monitor,
        ["Parameters"] = new JsonObject(Domains.Select(d => KeyValuePair.Create(d.Name, (JsonNode?)d.ToJson()))),
        ["Shared"] = Shared.DeepClone(),
        ["Data"] = IdentityJson.ToJson(Data),
        ["Trials"] = new JsonArray(Trials.Select(t => (JsonNode)new JsonObject
        {
            ["Number"] = t.Number,
            ["Settings"] = JsonNode.Parse(t.Key),
        }).ToArray()),
    };

    /// <summary>The first of the recorded definition's entries that this one does not match, or null when they are the same sweep.</summary>
    public static string? FirstDifference(JsonObject recorded, JsonObject current)
    {
        foreach (var (key, value) in current)
        {
            var before = recorded[key];
            if (!JsonNode.DeepEquals(before, value))
                return $"{key}: the folder's is {Short(before)}, this run's is {Short(value)}";
        }
        return recorded.Select(p => p.Key).FirstOrDefault(k => !current.ContainsKey(k)) is { } extra ? $"{extra}: only in the folder" : null;
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}
