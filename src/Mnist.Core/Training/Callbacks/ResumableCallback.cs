namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// A callback with state of its own that a resumed training needs (the best value so far, epochs waited, a lowered
/// rate): -BackupPath saves it after every epoch and gives it back before the first epoch of the resumed run.
/// </summary>
public interface IResumableCallback
{
    /// <summary>The key of this callback's state in a backup (one callback of a kind per training).</summary>
    string StateName { get; }

    IReadOnlyDictionary<string, double?> SaveState();

    void RestoreState(IReadOnlyDictionary<string, double?> state, TrainingContext context);
}

internal static class ResumableState
{
    public static double? Get(this IReadOnlyDictionary<string, double?> state, string name) =>
        state.TryGetValue(name, out var value) ? value : null;
}
