using Mnist.Core.Persistence;
using Mnist.Core.Training.Backup;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' BackupAndRestore: before the first epoch of a new run and after every epoch (after the other callbacks, so
/// their state is in it) the whole training state goes into the backup folder, replacing the last backup atomically; a
/// finished training clears it. A training killed at any moment is resumed by the same command from its last completed
/// epoch, or from its start (see <see cref="TrainingBackup"/>).
/// </summary>
public sealed class BackupAndRestore : ITrainingCallback
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Func<IEnumerable<ITrainingCallback>> _hooks;
    private byte[]? _best;
    private int? _bestEpoch;

    internal BackupAndRestore(string folder, IReadOnlyDictionary<string, string> settings, Func<IEnumerable<ITrainingCallback>> hooks)
    {
        Folder = folder;
        _settings = settings;
        _hooks = hooks;
    }

    public string Folder { get; }

    /// <summary>
    /// Before the first epoch of a new run (after its model has begun training on the data): the starting state, so a
    /// run stopped or killed in its first epoch, its log already begun, is resumed by the same command like any other.
    /// </summary>
    internal void BackUpStart(TrainingContext context) => Save(context, ModelBytes(context), bestEpoch: null);

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        var model = ModelBytes(context);
        var early = _hooks().OfType<EarlyStopping>().FirstOrDefault();
        if (early is { KeepsBestWeights: true })
        {
            if (early.BestEpoch == record.Epoch) (_best, _bestEpoch) = (model, record.Epoch);
        }
        else
        {
            (_best, _bestEpoch) = (null, null);
        }
        Save(context, model, _bestEpoch);
    }

    private static byte[] ModelBytes(TrainingContext context)
    {
        using var buffer = new MemoryStream();
        ModelFile.Write(context.Model, buffer);
        return buffer.ToArray();
    }

    private void Save(TrainingContext context, byte[] model, int? bestEpoch) =>
        TrainingBackup.Write(Folder, new BackupRecord
        {
            Settings = new Dictionary<string, string>(_settings),
            RunFirstEpoch = context.FirstEpoch,
            EpochsCompleted = context.Model.EpochsTrained,
            StopReason = context.StopReason,
            LearningRateScale = context.LearningRateScale,
            Callbacks = _hooks().OfType<IResumableCallback>().ToDictionary(h => h.StateName, h => new Dictionary<string, double?>(h.SaveState())),
            BestEpoch = bestEpoch,
        }, model, bestEpoch is null ? null : _best);

    /// <summary>The training ended (finished, stopped early or on time): its backup has done its job.</summary>
    public void OnTrainEnd(TrainingContext context) => TrainingBackup.Clear(Folder);

    internal void Resume(ResumedRun run) => (_best, _bestEpoch) = (run.BestModel, run.Record.BestEpoch);
}
