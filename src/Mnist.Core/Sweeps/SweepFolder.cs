using System.Text.Json.Nodes;
using Mnist.Core.Data;
using Mnist.Core.Persistence;

namespace Mnist.Core.Sweeps;

/// <summary>
/// A sweep's folder: sweep.json (the definition), the data, and one folder per trial (trials/NNN: its settings,
/// state, log, backup, model and result). Opening it takes its lock, held until disposed, so two sweeps never run in
/// one folder; a killed sweep's lock goes with its process.
/// </summary>
public sealed class SweepFolder : IDisposable
{
    public const string LockFileName = "sweep.lock";
    public const string StateFileName = "state.json";
    public const string BestModelFileName = "best.model";
    private readonly FileStream _lock;

    private SweepFolder(string path, FileStream lockFile, SweepDefinition definition)
    {
        Path = path;
        _lock = lockFile;
        Definition = definition;
    }

    public string Path { get; }
    public SweepDefinition Definition { get; }
    public string DataPath => System.IO.Path.Combine(Path, SweepDataFile.FileName);
    public string BestModelPath => System.IO.Path.Combine(Path, BestModelFileName);

    /// <summary>
    /// Opens (or starts) the sweep folder for <paramref name="definition"/>: refused when another sweep holds it, or
    /// when it holds a different sweep (the error names the first difference). Writes the data when it is not there yet.
    /// </summary>
    public static SweepFolder Open(string path, SweepDefinition definition, MnistDataset data)
    {
        PathChecks.Validate(path);
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
            throw new MnistException("SweepPathInvalid", MnistErrorKind.InvalidArgument, $"'{full}' is a file; -Path names the sweep's folder.", full);
        Directory.CreateDirectory(full);
        var lockFile = Lock(full);
        try
        {
            var file = System.IO.Path.Combine(full, SweepDefinition.FileName);
            // Compared as read back from a file, as the recorded one is (numbers as their JSON text).
            var current = (JsonObject)JsonNode.Parse(definition.ToJson().ToJsonString())!;
            if (File.Exists(file))
            {
                var recorded = SweepJson.ReadFile<JsonObject>(file)!;
                if (recorded["Kind"]?.GetValue<string>() != SweepDefinition.Kind)
                    throw new MnistException("SweepFolderInvalid", MnistErrorKind.InvalidData, $"'{file}' is not an Mnist sweep's definition.", file);
                if (SweepDefinition.FirstDifference(recorded, current) is { } difference)
                    throw new MnistException("SweepMismatch", MnistErrorKind.InvalidArgument,
                        $"The folder '{full}' holds another sweep ({difference}). Run the same command as before to resume it, or give another -Path.", full);
            }
            else if (Directory.EnumerateFileSystemEntries(full).Any(e => System.IO.Path.GetFileName(e) is not (LockFileName or SweepDataFile.FileName)))
            {
                throw new MnistException("SweepPathInvalid", MnistErrorKind.InvalidArgument,
                    $"The folder '{full}' is not empty and holds no sweep; give an empty or new folder.", full);
            }
            var folder = new SweepFolder(full, lockFile, definition);
            if (!File.Exists(file)) SweepJson.WriteFile(file, current);
            if (!File.Exists(folder.DataPath) || !SameData(folder.DataPath, data)) SweepDataFile.Write(data, folder.DataPath);
            return folder;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a sweep folder to read its trials, without taking its lock (a running sweep can be watched). Trials a
    /// killed sweep left Running read as Stopped, as the sweep's next run treats them.
    /// </summary>
    public static IReadOnlyList<SweepTrial> ReadTrials(string path)
    {
        PathChecks.Validate(path);
        var full = System.IO.Path.GetFullPath(path);
        var file = System.IO.Path.Combine(full, SweepDefinition.FileName);
        var recorded = SweepJson.ReadFile<JsonObject>(file)
            ?? throw new MnistException("SweepNotFound", MnistErrorKind.NotFound, $"'{full}' holds no sweep (no {SweepDefinition.FileName}).", full);
        string monitor;
        List<TrialSettings> trials;
        try
        {
            monitor = recorded["Monitor"]!.GetValue<string>();
            trials = recorded["Trials"]!.AsArray().Select(t => new TrialSettings(t!["Number"]!.GetValue<int>(),
                t["Settings"]!.AsObject().Select(p => KeyValuePair.Create(p.Key, p.Value!.DeepClone())).ToArray())).ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new MnistException("SweepFolderInvalid", MnistErrorKind.InvalidData, $"'{file}' is not a valid sweep definition: {e.Message}", file, e);
        }
        // A killed sweep leaves its trials marked Running; with its lock's owner gone they are shown as stopped.
        bool sweepRunning = SweepLockOwner.Read(System.IO.Path.Combine(full, LockFileName))?.StillRunning() ?? false;
        return SweepTrial.Ranked(trials.Select(t => SweepTrial.From(t, TrialPathIn(full, t.Number), monitor, sweepRunning)).ToList(), monitor);
    }

    public string TrialPath(TrialSettings trial) => TrialPathIn(Path, trial.Number);

    private static string TrialPathIn(string sweep, int number) => System.IO.Path.Combine(sweep, "trials", number.ToString("D3"));

    public static TrialState ReadState(string trialPath) =>
        SweepJson.ReadFile<TrialState>(System.IO.Path.Combine(trialPath, StateFileName)) ?? new TrialState { Status = TrialStatus.Pending };

    public static void WriteState(string trialPath, TrialState state)
    {
        Directory.CreateDirectory(trialPath);
        SweepJson.WriteFile(System.IO.Path.Combine(trialPath, StateFileName), state);
    }

    public IReadOnlyList<SweepTrial> Trials() =>
        SweepTrial.Ranked(Definition.Trials.Select(t => SweepTrial.From(t, TrialPath(t), Definition.Monitor)).ToList(), Definition.Monitor);

    private static bool SameData(string file, MnistDataset data)
    {
        try
        {
            return SweepDataFile.Read(file).Identity.Equals(data.Identity);
        }
        catch (MnistException)
        {
            return false; // A damaged data file is written again.
        }
    }

    private static FileStream Lock(string folder)
    {
        var file = System.IO.Path.Combine(folder, LockFileName);
        try
        {
            // FileShare.None is an exclusive lock between processes on every platform (flock on Unix); the kernel
            // drops it when the process ends, however it ends.
            var stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var owner = System.Text.Encoding.UTF8.GetBytes(SweepLockOwner.Current().ToLine());
            stream.Write(owner);
            stream.Flush();
            return stream;
        }
        catch (IOException e)
        {
            throw new MnistException("SweepFolderInUse", MnistErrorKind.ResourceUnavailable,
                $"Another sweep is running in '{folder}' (its lock '{file}' is held). Wait for it, or give another -Path.", folder, e);
        }
    }

    public void Dispose() => _lock.Dispose();
}
