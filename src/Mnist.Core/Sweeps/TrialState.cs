namespace Mnist.Core.Sweeps;

public enum TrialStatus
{
    /// <summary>Not started yet (or not started before the sweep's time budget ran out).</summary>
    Pending,
    Running,
    Succeeded,
    Failed,
    /// <summary>Started, then stopped with the sweep (Ctrl+C, the time budget): the next run resumes it from its backup.</summary>
    Stopped,
}

/// <summary>Where a trial stands, as the sweep folder records it (trials/NNN/state.json, written by the sweep only).</summary>
public sealed record TrialState
{
    public TrialStatus Status { get; init; }
    public string? Reason { get; init; }
    public string? Host { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? Started { get; init; }
    public DateTimeOffset? Ended { get; init; }

    /// <summary>Whether a run of the sweep should (re)start it.</summary>
    public bool NeedsRun(bool retryFailed) => Status switch
    {
        TrialStatus.Succeeded => false,
        TrialStatus.Failed => retryFailed,
        _ => true,
    };
}
