using Mnist.Core.Persistence;
using Mnist.Core.Training.Backup;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' BackupAndRestore: after every epoch (after the other callbacks, so their state is in it) the whole training
/// state goes into the backup folder, replacing the last backup atomically; a finished training clears it. A training
/// killed at any moment is resumed by the same command from its last completed epoch (see <see cref="TrainingBackup"/>).
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

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        byte[] model;
        using (var buffer = new MemoryStream())
        {
            ModelFile.Write(context.Model, buffer);
            model = buffer.ToArray();
        }
        var hooks = _hooks().ToList();
        if (hooks.OfType<EarlyStopping>().FirstOrDefault() is { KeepsBestWeights: true } early)
        {
            if (early.BestEpoch == record.Epoch) (_best, _bestEpoch) = (model, record.Epoch);
        }
        else
        {
            (_best, _bestEpoch) = (null, null);
        }
        TrainingBackup.Write(Folder, new BackupRecord
        {
            Settings = new Dictionary<string, string>(_settings),
            RunFirstEpoch = context.FirstEpoch,
            EpochsCompleted = context.Model.EpochsTrained,
            StopReason = context.StopReason,
            LearningRateScale = context.LearningRateScale,
            Callbacks = hooks.OfType<IResumableCallback>().ToDictionary(h => h.StateName, h => new Dictionary<string, double?>(h.SaveState())),
            BestEpoch = _bestEpoch,
        }, model, _best);
    }

    /// <summary>The training ended (finished, stopped early or on time): its backup has done its job.</summary>
    public void OnTrainEnd(TrainingContext context) => TrainingBackup.Clear(Folder);

    internal void Resume(ResumedRun run) => (_best, _bestEpoch) = (run.BestModel, run.Record.BestEpoch);
}
