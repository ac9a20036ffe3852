using System.IO.Compression;
using System.Text.Json;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training.Callbacks;

namespace Mnist.Core.Training.Backup;

/// <summary>
/// Keras' BackupAndRestore file: one zip in the backup folder, replaced atomically after every epoch, holding the
/// model file as <see cref="ModelFile"/> writes it (weights, optimizer state, generator, History, schedule plan, data
/// identity), the best epoch's model file when early stopping must put it back later, and <c>backup.json</c>: the
/// run's settings, where the run started, the callbacks' state and the checksums of the two model files.
/// </summary>
public static class TrainingBackup
{
    public const string FileName = "training-backup.zip";
    public const string Kind = "Mnist.TrainingBackup";
    public const int FormatVersion = 1;
    private const string RecordEntry = "backup.json";
    private const string ModelEntry = "model.mnist";
    private const string BestEntry = "best.mnist";

    public static string FileIn(string folder) => Path.Combine(Path.GetFullPath(folder), FileName);

    public static bool Exists(string folder) => File.Exists(FileIn(folder));

    /// <summary>The seed of the run a backup belongs to, so that a rerun without -Seed resumes it; null without a backup.</summary>
    public static long? SeedOf(string folder)
    {
        if (!Exists(folder)) return null;
        var (record, _, _) = Read(folder, withModels: false);
        return record.Settings.TryGetValue("model.Seed", out var seed) && long.TryParse(seed, out var value) ? value : null;
    }

    /// <summary>The epochs a backup holds (History's numbering), or 0 without one.</summary>
    public static int EpochsIn(string folder) => Exists(folder) ? Read(folder, withModels: false).Record.EpochsCompleted : 0;

    /// <summary>Removes the backup of a finished run (the folder stays).</summary>
    public static void Clear(string folder)
    {
        var file = FileIn(folder);
        if (File.Exists(file)) File.Delete(file);
        AtomicFile.RemoveStaleTemporaries(file);
    }

    internal static void Write(string folder, BackupRecord record, byte[] model, byte[]? best)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
            throw new MnistException("BackupPathInvalid", MnistErrorKind.InvalidArgument,
                $"-BackupPath '{full}' is a file; it must be a folder (it is created if missing).", folder);
        Directory.CreateDirectory(full);
        record = record with { ModelSha256 = MnistFiles.Sha256Hex(model), BestSha256 = best is null ? null : MnistFiles.Sha256Hex(best) };
        AtomicFile.Write(FileIn(full), stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var entry = zip.CreateEntry(RecordEntry, CompressionLevel.Optimal).Open())
                JsonSerializer.Serialize(entry, record, ModelFile.Json);
            // The model files are zips already: stored, not compressed again.
            using (var entry = zip.CreateEntry(ModelEntry, CompressionLevel.NoCompression).Open()) entry.Write(model);
            if (best is not null)
            {
                using var entry = zip.CreateEntry(BestEntry, CompressionLevel.NoCompression).Open();
                entry.Write(best);
            }
        }, overwrite: true);
    }

    /// <summary>
    /// Continues the run a backup in <paramref name="folder"/> holds, if there is one: refuses a backup of another run
    /// (naming the settings that differ), else puts the backup's state into <paramref name="model"/> and returns it.
    /// </summary>
    internal static ResumedRun? Resume(string folder, MnistModel model, IReadOnlyDictionary<string, string> settings)
    {
        if (!Exists(folder)) return null;
        var file = FileIn(folder);
        var (record, modelBytes, bestBytes) = Read(folder, withModels: true);
        var differences = RunSettings.Differences(record.Settings, settings);
        if (differences.Count > 0)
            throw new MnistException("BackupMismatch", MnistErrorKind.InvalidArgument,
                $"The backup '{file}' belongs to another run; it was made for other settings: {string.Join("; ", differences)}. " +
                $"Run the command that made it to continue that run, or remove the backup (Remove-Item '{file}') to start afresh.",
                folder);
        using (var saved = LoadModel(modelBytes!, folder, file))
        {
            if (saved.EpochsTrained != record.EpochsCompleted || saved.Spec.Architecture != model.Spec.Architecture)
                throw Corrupt(file, folder, $"its model holds {saved.EpochsTrained} epochs, its record says {record.EpochsCompleted}");
            using var state = saved.CaptureTrainingState();
            state.RestoreInto(model);
            model.RestoreRecord(saved.History, saved.LastEvaluation, saved.TrainingData, saved.SchedulePlan, saved.Created);
        }
        return new ResumedRun(record, bestBytes, folder, file);
    }

    internal static MnistModel LoadModel(byte[] bytes, string folder, string file)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(file)!, $".restore.{Environment.ProcessId}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            return ModelFile.Load(temporary);
        }
        catch (MnistException e) when (e.ErrorId.StartsWith("ModelFile", StringComparison.Ordinal) || e.ErrorId == "ModelArchitectureMismatch")
        {
            throw Corrupt(file, folder, $"its model cannot be read ({e.Message})", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static (BackupRecord Record, byte[]? Model, byte[]? Best) Read(string folder, bool withModels)
    {
        var file = FileIn(folder);
        try
        {
            using var zip = ZipFile.OpenRead(file);
            var record = JsonSerializer.Deserialize<BackupRecord>(ReadEntry(zip, RecordEntry, file, folder, InputLimits.MaxMetadataBytes), ModelFile.Json)
                ?? throw Corrupt(file, folder, "its backup.json is empty");
            if (record.Kind != Kind) throw Corrupt(file, folder, "it is not an Mnist training backup");
            if (record.FormatVersion > FormatVersion)
                throw new MnistException("BackupFormatTooNew", MnistErrorKind.InvalidData,
                    $"'{file}' has backup format {record.FormatVersion}; this module reads up to {FormatVersion}. Update the Mnist module.", folder);
            if (record.Settings is null || record.RunFirstEpoch < 1 || record.EpochsCompleted < record.RunFirstEpoch - 1 || record.Callbacks is null)
                throw Corrupt(file, folder, "its backup.json has missing or impossible values");
            if (!withModels) return (record, null, null);
            const long limit = InputLimits.MaxModelParameters * 4 * 4 + (64L << 20);
            var model = ReadEntry(zip, ModelEntry, file, folder, limit);
            if (MnistFiles.Sha256Hex(model) != record.ModelSha256) throw Corrupt(file, folder, "its model does not match the SHA-256 recorded in it");
            byte[]? best = null;
            if (record.BestSha256 is not null)
            {
                best = ReadEntry(zip, BestEntry, file, folder, limit);
                if (MnistFiles.Sha256Hex(best) != record.BestSha256) throw Corrupt(file, folder, "its best model does not match the SHA-256 recorded in it");
            }
            return (record, model, best);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(file, folder, $"it is not a readable zip ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw Corrupt(file, folder, $"its backup.json is not valid ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("BackupUnreadable", MnistErrorKind.ResourceUnavailable, $"'{file}' cannot be read: {e.Message}", folder, e);
        }
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string file, string folder, long limit)
    {
        var entry = zip.GetEntry(name) ?? throw Corrupt(file, folder, $"it has no '{name}'");
        limit = Math.Min(limit, Array.MaxLength - 1);
        if (entry.Length > limit) throw Corrupt(file, folder, $"its '{name}' declares {entry.Length:N0} bytes, more than {limit:N0}");
        using var stream = entry.Open();
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, limit));
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit) throw Corrupt(file, folder, $"its '{name}' inflates to more than {limit:N0} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static MnistException Corrupt(string file, string folder, string why, Exception? inner = null) =>
        new("BackupCorrupt", MnistErrorKind.InvalidData,
            $"The training backup '{file}' is damaged: {why}. Remove it (Remove-Item '{file}') to start the run afresh.", folder, inner);
}

/// <summary>What backup.json holds.</summary>
internal sealed record BackupRecord
{
    public string Kind { get; init; } = TrainingBackup.Kind;
    public int FormatVersion { get; init; } = TrainingBackup.FormatVersion;
    public Dictionary<string, string> Settings { get; init; } = new();

    /// <summary>The first epoch of the run (History's numbering), so a resumed run ends where the unbroken one would.</summary>
    public int RunFirstEpoch { get; init; }
    public int EpochsCompleted { get; init; }
    public string? StopReason { get; init; }
    public double LearningRateScale { get; init; } = 1;
    public Dictionary<string, Dictionary<string, double?>> Callbacks { get; init; } = new();
    public int? BestEpoch { get; init; }
    public string? ModelSha256 { get; init; }
    public string? BestSha256 { get; init; }
    public string ModuleVersion { get; init; } = ModelFile.ModuleVersion;
    public DateTimeOffset Saved { get; init; } = DateTimeOffset.Now;
}

/// <summary>A run continued from a backup: its record, and the best epoch's model file when early stopping needs it.</summary>
internal sealed record ResumedRun(BackupRecord Record, byte[]? BestModel, string Folder, string File)
{
    /// <summary>Gives the callbacks their state back, after their OnTrainBegin and before the first epoch.</summary>
    public void RestoreCallbacks(IEnumerable<ITrainingCallback> hooks, TrainingContext context)
    {
        context.LearningRateScale = Record.LearningRateScale;
        foreach (var hook in hooks)
        {
            if (hook is IResumableCallback resumable && Record.Callbacks.TryGetValue(resumable.StateName, out var state))
                resumable.RestoreState(state, context);
            if (hook is EarlyStopping { KeepsBestWeights: true } early && BestModel is not null)
            {
                using var best = TrainingBackup.LoadModel(BestModel, Folder, File);
                early.ResumeBestState(best.CaptureTrainingState());
            }
            if (hook is BackupAndRestore backup) backup.Resume(this);
        }
        if (Record.StopReason is { } reason) context.Stop(reason);
    }
}
