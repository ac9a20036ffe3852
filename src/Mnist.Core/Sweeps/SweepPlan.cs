using System.Text.Json.Nodes;

namespace Mnist.Core.Sweeps;

/// <summary>Turns the swept parameters into trials: every combination (a grid), or a number of random draws.</summary>
public static class SweepPlan
{
    /// <summary>More trials than this is a mistake in the parameters rather than a plan (a grid grows as a product).</summary>
    public const int MaxTrials = 10_000;

    public static IReadOnlyList<TrialSettings> Grid(IReadOnlyList<SweepDomain> domains)
    {
        var ranged = domains.FirstOrDefault(d => !d.IsList);
        if (ranged is not null)
            throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument,
                $"'{ranged.Name}' is a range: ranges are drawn from, so give -Count for a random search (a grid takes lists of values).", ranged.Name);
        var lists = domains.Cast<SweepValueList>().ToArray();
        long size = lists.Aggregate(1L, (product, d) => Math.Min(product * d.Values.Count, MaxTrials + 1L));
        if (size > MaxTrials)
            throw new MnistException("SweepTooLarge", MnistErrorKind.LimitsExceeded,
                $"The grid holds more than {MaxTrials:N0} trials; sweep fewer values, or draw some with -Count.", "Parameter");

        var trials = new List<TrialSettings>();
        var index = new int[lists.Length];
        for (int number = 1; number <= size; number++)
        {
            trials.Add(new TrialSettings(number, lists.Select((d, i) => KeyValuePair.Create(d.Name, d.Values[index[i]].DeepClone())).ToArray()));
            // The last parameter changes fastest, as nested loops written in the parameters' order would.
            for (int i = lists.Length - 1; i >= 0 && ++index[i] == lists[i].Values.Count; i--) index[i] = 0;
        }
        return trials;
    }

    /// <summary>
    /// <paramref name="count"/> different draws, the same for the same seed. When the lists hold fewer combinations
    /// than asked for, each of them once.
    /// </summary>
    public static IReadOnlyList<TrialSettings> Random(IReadOnlyList<SweepDomain> domains, int count, long seed)
    {
        if (count < 1 || count > MaxTrials)
            throw new MnistException("SweepTooLarge", MnistErrorKind.LimitsExceeded, $"-Count takes 1 to {MaxTrials:N0} trials, not {count}.", "Count");
        if (domains.All(d => d.IsList))
        {
            long combinations = domains.Aggregate(1L, (product, d) => Math.Min(product * ((SweepValueList)d).Values.Count, MaxTrials + 1L));
            if (combinations <= count) return Grid(domains);
        }
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var trials = new List<TrialSettings>();
        // Draws from ranges almost never repeat; lists may, so a repeat is drawn again (a bounded number of times).
        for (int attempt = 0; trials.Count < count && attempt < count * 50; attempt++)
        {
            var trial = new TrialSettings(trials.Count + 1, domains.Select(d => KeyValuePair.Create(d.Name, d.Draw(random))).ToArray());
            if (seen.Add(trial.Key)) trials.Add(trial);
        }
        return trials;
    }
}
