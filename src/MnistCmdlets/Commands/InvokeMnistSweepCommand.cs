using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Sweeps;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// A hyperparameter search: one training per combination of the values given (a grid) or per random draw (-Count),
/// each in a process of its own, here or on other machines over SSH remoting; the sweep folder makes it resumable.
/// Outputs one row per trial, best first.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "MnistSweep", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(SweepTrial), typeof(MnistModel))]
public sealed class InvokeMnistSweepCommand : MnistCmdlet
{
    /// <summary>The values to try by parameter of New-MnistModel or Invoke-MnistTraining: lists, single values, or ranges @{ Min; Max; Log }.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public IDictionary Parameter { get; set; } = null!;

    /// <summary>A dataset from Import-MnistData (or Join-MnistData): its Train split is trained on, with -ValidationSplit held out.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Dataset")]
    [ValidateNotNull]
    public object Data { get; set; } = null!;

    /// <summary>The sweep's folder: each trial's settings, state, backup, model and result. The same command run again resumes it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The sweep's folder, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Random draws instead of the whole grid.</summary>
    [Parameter]
    [ValidateRange(1, SweepPlan.MaxTrials)]
    public int? Count { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; } = 5;

    [Parameter]
    [ValidateRange(0.0, 0.99)]
    public double ValidationSplit { get; set; } = 0.1;

    /// <summary>Every trial's seed and the random draws'; by default a random one, kept in the folder for reruns.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? Seed { get; set; }

    /// <summary>The figure trials are ranked by, at their best epoch.</summary>
    [Parameter]
    [ValidateSet("val_accuracy", "val_loss", "accuracy", "loss")]
    public string Monitor { get; set; } = SweepMonitor.Default;

    /// <summary>Trials at once on each machine.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Threads per trial; by default the machine's cores divided by -ThrottleLimit.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    [ArgumentCompleter(typeof(ThreadCountCompleter))]
    public int? ThreadCount { get; set; }

    /// <summary>Per trial: its training ends by then (keeping its completed epochs), and a trial that does not is stopped and failed.</summary>
    [Parameter]
    public TimeSpan? MaxDuration { get; set; }

    /// <summary>For the whole sweep: no trial starts after it, and running trials end by then. Unstarted trials run next time.</summary>
    [Parameter]
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>Run failed trials again (from their backups where they have one); without it a rerun skips them.</summary>
    [Parameter]
    public SwitchParameter RetryFailed { get; set; }

    /// <summary>Output the best model (also written to the folder as best.model) instead of the rows.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Machines to run the trials on over PowerShell SSH remoting (each needs the module and its runtime); 'user@host:port' works as in Invoke-Command.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? HostName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UserName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyFilePath { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>SSH options for every machine, as Invoke-Command -Options takes them (@{ StrictHostKeyChecking = 'yes' }).</summary>
    [Parameter]
    [Alias("Options")]
    public Hashtable? SSHOptions { get; set; }

    protected override void ProcessOne()
    {
        var data = DataArgument.Unwrap(Data) as MnistDataset ?? throw new MnistException("InvalidDataArgument", MnistErrorKind.InvalidArgument,
            $"-Data takes a dataset from Import-MnistData or Join-MnistData, not a {DataArgument.Unwrap(Data)?.GetType().Name ?? "null"}.", "Data");
        var domains = SweepParameters.Read(Parameter);
        if (Monitor.StartsWith("val_", StringComparison.Ordinal) && ValidationSplit == 0 && !domains.Any(d => d.Name == "ValidationSplit"))
            throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument,
                $"-Monitor {Monitor} needs validation data: give a -ValidationSplit above 0, or rank by accuracy or loss.", "Monitor");
        if (MaxDuration is { } limit && limit <= TimeSpan.Zero || TimeBudget is { } budget && budget <= TimeSpan.Zero)
            throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument, "-MaxDuration and -TimeBudget must be positive.", "MaxDuration");
        var path = PathResolution.Output(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath");
        var machines = RemoteMachines();
        long seed = Seed ?? SweepDefinition.RecordedSeed(path) ?? Random.Shared.NextInt64(0, int.MaxValue);
        var trials = Count is int count ? SweepPlan.Random(domains, count, seed) : SweepPlan.Grid(domains);
        var shared = new JsonObject { ["Epochs"] = Epochs, ["ValidationSplit"] = ValidationSplit };
        var definition = new SweepDefinition(domains, trials, Count, seed, Monitor, shared, data.Identity);

        var where = machines.Count == 0 ? $"{ThrottleLimit} at a time here" : $"on {string.Join(", ", machines.Select(m => m.HostName))}";
        if (!ShouldProcess(path, $"Run a sweep of {trials.Count} trial(s) of {Epochs} epoch(s) on {data.Name}, {where}")) return;

        using var folder = SweepFolder.Open(path, definition, data);
        var launcher = new TrialLauncher(System.IO.Path.GetDirectoryName(typeof(InvokeMnistSweepCommand).Assembly.Location)!);
        var workers = machines.Count == 0
            ? new[] { new TrialWorker("localhost", ThrottleLimit, launcher.Local) }
            : machines.Select(m => new TrialWorker(m.HostName, ThrottleLimit, p => launcher.Remote(p, m))).ToArray();
        var options = new SweepRunOptions { TrialTimeLimit = MaxDuration, TimeBudget = TimeBudget, RetryFailed = RetryFailed };
        WriteVerbose($"Sweep '{path}': {trials.Count} trial(s), {trials.Count(t => !SweepFolder.ReadState(folder.TrialPath(t)).NeedsRun(RetryFailed))} already done; seed {seed}.");
        var runner = new SweepRunner(folder, workers, options, (trial, worker, trainingLimit, earlier) =>
            SpecFor(trial, worker, trainingLimit, earlier, folder, data, seed));
        runner.Run(ReportProgress, WriteWarning, Cancellation);
        WriteProgress(new ProgressRecord(1, "Sweep", "Done") { RecordType = ProgressRecordType.Completed });

        var rows = folder.Trials();
        var best = SweepResults.KeepBest(rows, folder.BestModelPath);
        if (rows.FirstOrDefault(r => r.Status == TrialStatus.Failed) is not null)
            WriteWarning($"{rows.Count(r => r.Status == TrialStatus.Failed)} trial(s) failed; their Reason says why. -RetryFailed runs them again.");
        if (PassThru)
        {
            if (best is null)
                throw new MnistException("SweepHasNoResult", MnistErrorKind.InvalidOperation, $"No trial of the sweep in '{path}' has a result to return.", path);
            WriteObject(Mnist.Core.Persistence.ModelFile.Load(best));
            return;
        }
        foreach (var row in rows) WriteObject(SweepResults.ToPSObject(row));
    }

    private TrialSpec SpecFor(TrialSettings trial, TrialWorker worker, TimeSpan? trainingLimit, TrialSpec? earlier, SweepFolder folder,
        MnistDataset data, long seed)
    {
        var model = new JsonObject { ["Seed"] = seed };
        var training = new JsonObject { ["Epochs"] = Epochs, ["ValidationSplit"] = ValidationSplit };
        if (Monitor.StartsWith("val_", StringComparison.Ordinal)) training["Monitor"] = Monitor;
        foreach (var (name, value) in trial.Values)
            (SweepParameters.IsModelParameter(name) ? model : training)[name] = value.DeepClone();
        if (trainingLimit is { } limit) training["MaxDuration"] = limit.ToString("c");
        bool local = HostName is null;
        return new TrialSpec
        {
            Number = trial.Number,
            SweepId = folder.Definition.Id,
            Description = trial.Description,
            Model = model,
            Training = training,
            // A resumed trial keeps its threads: they are part of what its backup resumes.
            ThreadCount = earlier?.ThreadCount ?? ThreadCount ?? (local ? Math.Max(1, Environment.ProcessorCount / worker.Slots) : null),
            TrialsAtOnce = worker.Slots,
            Monitor = Monitor,
            DataFile = System.IO.Path.GetRelativePath(folder.TrialPath(trial), folder.DataPath),
            DataIdentity = IdentityJson.ToText(data.Identity),
            DataIsKnown = data.Identity.KnownDataset is not null,
        };
    }

    private List<RemoteMachine> RemoteMachines()
    {
        if (HostName is null)
        {
            if (UserName is not null || KeyFilePath is not null || Port is not null || SSHOptions is not null)
                throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument,
                    "-UserName, -KeyFilePath, -Port and -SSHOptions say how to reach the machines of -HostName; give -HostName too.", "HostName");
            return new();
        }
        var key = KeyFilePath is null ? null : ResolvePath(KeyFilePath);
        var options = SSHOptions?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => DataArgument.Unwrap(e.Value)?.ToString() ?? "");
        return HostName.Distinct(StringComparer.OrdinalIgnoreCase).Select(h => new RemoteMachine(h, UserName, key, Port, options)).ToList();
    }

    private void ReportProgress(SweepProgress p)
    {
        var status = $"{p.Done} of {p.Total} done, {p.Running} running, {p.Failed} failed, {p.Waiting} waiting";
        WriteProgress(new ProgressRecord(1, "Sweep", status)
        {
            PercentComplete = p.Total == 0 ? 100 : Math.Min(100, (p.Done + p.Failed) * 100 / p.Total),
            SecondsRemaining = p.Remaining is { } left ? (int)Math.Ceiling(left.TotalSeconds) : -1,
        });
    }
}
