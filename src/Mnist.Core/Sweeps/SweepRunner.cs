using System.Diagnostics;

namespace Mnist.Core.Sweeps;

/// <summary>How a run of a sweep is bounded and what it reruns.</summary>
public sealed record SweepRunOptions
{
    /// <summary>Per trial: its training is asked to end by then, and its process is ended <see cref="KillGrace"/> later.</summary>
    public TimeSpan? TrialTimeLimit { get; init; }

    /// <summary>For the whole run: no trial starts after it is spent, and running trials are asked to end by then.</summary>
    public TimeSpan? TimeBudget { get; init; }
    public bool RetryFailed { get; init; }

    /// <summary>Time past its limit a trial's process gets to save its model before it is ended (start-up and saving are not training time).</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(60);
}

public sealed record SweepProgress(int Total, int Done, int Running, int Failed, int Waiting, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>
/// Runs a sweep's unfinished trials, each in its own process, as many at once as the workers have slots: a trial whose
/// process crashes, is killed or hangs past its limit is marked failed with the reason and the others go on. Works on
/// the calling thread (progress and notices are reported on it) and returns when every trial has ended or cannot run.
/// </summary>
public sealed class SweepRunner
{
    /// <summary>The trial's process could not reach its machine, or the machine lacks the module: the machine, not the trial, failed.</summary>
    public const int WorkerUnavailableExitCode = 3;
    public const string FailureFileName = "failure.txt";

    private readonly SweepFolder _folder;
    private readonly IReadOnlyList<TrialWorker> _workers;
    private readonly SweepRunOptions _options;
    private readonly Func<TrialSettings, TrialWorker, TimeSpan?, TrialSpec?, TrialSpec> _specFor;

    /// <summary>Each trial's state as last written (the runner is the only writer of state.json while it holds the folder).</summary>
    private readonly Dictionary<int, TrialState> _states = new();

    /// <param name="specFor">The trial's spec for a worker, a training time limit, and the spec of its earlier start (kept
    /// where it must be, such as its threads, so that its backup resumes).</param>
    public SweepRunner(SweepFolder folder, IReadOnlyList<TrialWorker> workers, SweepRunOptions options,
        Func<TrialSettings, TrialWorker, TimeSpan?, TrialSpec?, TrialSpec> specFor)
    {
        _folder = folder;
        _workers = workers;
        _options = options;
        _specFor = specFor;
    }

    public void Run(Action<SweepProgress> report, Action<string> notice, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        foreach (var trial in _folder.Definition.Trials) _states[trial.Number] = SweepFolder.ReadState(_folder.TrialPath(trial));
        var waiting = new Queue<TrialSettings>(_folder.Definition.Trials.Where(t => _states[t.Number].NeedsRun(_options.RetryFailed)));
        var running = new List<Running>();
        var finishedSeconds = new List<double>();
        int failedThisRun = 0;
        try
        {
            while (waiting.Count > 0 || running.Count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                var budgetLeft = _options.TimeBudget - clock.Elapsed;
                if (waiting.Count > 0 && budgetLeft is { } left && left <= TimeSpan.Zero)
                {
                    notice($"The time budget of {_options.TimeBudget} is spent: {waiting.Count} trial(s) were not started; run the sweep again to run them.");
                    while (waiting.TryDequeue(out var unstarted))
                        Mark(unstarted, _states[unstarted.Number] with
                        {
                            Status = TrialStatus.Pending, Reason = "not started: the sweep's time budget was spent",
                        });
                }
                while (waiting.Count > 0 && _workers.FirstOrDefault(w => w.HasRoom) is { } worker)
                {
                    var trial = waiting.Dequeue();
                    if (Start(trial, worker, Limit(budgetLeft)) is { } started) running.Add(started);
                    else failedThisRun++;
                }
                if (waiting.Count > 0 && running.Count == 0 && _workers.All(w => w.DownReason is not null))
                {
                    var why = string.Join("; ", _workers.Select(w => $"{w.Name}: {w.DownReason}"));
                    while (waiting.TryDequeue(out var orphan))
                    {
                        Mark(orphan, Failed(orphan, $"no machine left to run it ({why})", host: null));
                        failedThisRun++;
                    }
                }

                cancel.WaitHandle.WaitOne(200);
                foreach (var trial in running.ToArray())
                {
                    if (trial.Process.HasExited)
                    {
                        running.Remove(trial);
                        if (Finish(trial, notice)) finishedSeconds.Add(trial.Process.Started.Elapsed.TotalSeconds);
                        else failedThisRun++;
                    }
                    else if (trial.HardLimit is { } hard && trial.Process.Started.Elapsed > hard)
                    {
                        trial.Process.Kill();
                        running.Remove(trial);
                        End(trial);
                        Mark(trial.Trial, Failed(trial.Trial, $"it ran past its time limit ({trial.HardLimit - _options.KillGrace} and {_options.KillGrace} to save) and was stopped", trial.Worker.Name));
                        failedThisRun++;
                    }
                }

                var states = _states.Values.Select(s => s.Status).ToArray();
                double? average = finishedSeconds.Count == 0 ? null : finishedSeconds.Average();
                int slots = Math.Max(1, _workers.Where(w => w.DownReason is null).Sum(w => w.Slots));
                report(new SweepProgress(states.Length, states.Count(s => s == TrialStatus.Succeeded), running.Count,
                    states.Count(s => s == TrialStatus.Failed), waiting.Count, clock.Elapsed,
                    average is double a ? TimeSpan.FromSeconds(a * (waiting.Count + running.Count) / slots) : null));
            }
        }
        finally
        {
            // Ctrl+C or an error of the sweep itself: the running trials stop with it and resume next time.
            foreach (var trial in running)
            {
                trial.Process.Kill();
                End(trial);
                Mark(trial.Trial, _states[trial.Trial.Number] with
                {
                    Status = TrialStatus.Stopped, Reason = "stopped with the sweep; the next run resumes it", Ended = DateTimeOffset.Now,
                });
            }
        }
    }

    private TimeSpan? Limit(TimeSpan? budgetLeft) =>
        (_options.TrialTimeLimit, budgetLeft) switch
        {
            (null, null) => null,
            ({ } trial, null) => trial,
            (null, { } budget) => budget,
            ({ } trial, { } budget) => trial < budget ? trial : budget,
        };

    private Running? Start(TrialSettings trial, TrialWorker worker, TimeSpan? limit)
    {
        var path = _folder.TrialPath(trial);
        Directory.CreateDirectory(path);
        var before = _states[trial.Number];
        TrialSpec? earlier = File.Exists(Path.Combine(path, TrialSpec.FileName)) ? TrialSpec.Read(path) : null;
        var spec = _specFor(trial, worker, limit, earlier);
        spec.Write(path);
        File.Delete(Path.Combine(path, FailureFileName));
        File.Delete(Path.Combine(path, TrialOutcome.FileName));
        Mark(trial, new TrialState
        {
            Status = TrialStatus.Running, Host = worker.Name, Attempts = before.Attempts + 1, Started = DateTimeOffset.Now,
        });
        try
        {
            var process = TrialProcess.Start(worker.CommandFor(path), path);
            worker.Running++;
            return new Running(trial, path, worker, process, limit is { } l ? l + _options.KillGrace : null);
        }
        catch (MnistException e)
        {
            Mark(trial, Failed(trial, e.Message, worker.Name));
            return null;
        }
    }

    /// <summary>Records how the trial's process ended; true when it succeeded.</summary>
    private bool Finish(Running trial, Action<string> notice)
    {
        int code = trial.Process.ExitCode;
        End(trial);
        var said = ReadFailure(trial.Path);
        if (code == 0 && TrialOutcome.Read(trial.Path) is not null)
        {
            Mark(trial.Trial, _states[trial.Trial.Number] with { Status = TrialStatus.Succeeded, Reason = null, Ended = DateTimeOffset.Now });
            return true;
        }
        var reason = said ?? TrialProcess.DescribeExit(code);
        if (code == WorkerUnavailableExitCode && trial.Worker.DownReason is null)
        {
            trial.Worker.DownReason = reason;
            notice($"'{trial.Worker.Name}' is out of the sweep: {reason}");
        }
        Mark(trial.Trial, Failed(trial.Trial, reason, trial.Worker.Name));
        return false;
    }

    private void End(Running trial)
    {
        trial.Worker.Running--;
        trial.Process.Dispose();
    }

    private TrialState Failed(TrialSettings trial, string reason, string? host)
    {
        var state = _states[trial.Number];
        return state with { Status = TrialStatus.Failed, Reason = reason, Host = host ?? state.Host, Ended = DateTimeOffset.Now };
    }

    private void Mark(TrialSettings trial, TrialState state)
    {
        SweepFolder.WriteState(_folder.TrialPath(trial), state);
        _states[trial.Number] = state;
    }

    /// <summary>The reason the trial's process wrote before it ended, first line only (bounded: the file is the trial's).</summary>
    private static string? ReadFailure(string trialPath)
    {
        var file = Path.Combine(trialPath, FailureFileName);
        if (!File.Exists(file)) return null;
        try
        {
            using var reader = new StreamReader(Persistence.InputFile.OpenRead(file));
            var buffer = new char[2000];
            int read = reader.ReadBlock(buffer, 0, buffer.Length);
            var text = Rendering.SafeText.Of(new string(buffer, 0, read).Trim());
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or MnistException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record Running(TrialSettings Trial, string Path, TrialWorker Worker, TrialProcess Process, TimeSpan? HardLimit);
}
