using Mnist.Core.Persistence;

namespace Mnist.Core.Training.Callbacks;

/// <summary>Keras' ModelCheckpoint with save_best_only: writes the model file after each epoch that improves on the best.</summary>
public sealed class ModelCheckpoint : ITrainingCallback, IResumableCallback
{
    private double? _best;

    public ModelCheckpoint(string path, MonitorMetric monitor = MonitorMetric.ValLoss)
    {
        Path = path;
        Monitor = monitor;
    }

    public string Path { get; }
    public MonitorMetric Monitor { get; }

    /// <summary>Checks the target before the first epoch (folder, rights, file kind), so a bad path does not cost an epoch of work.</summary>
    public void OnTrainBegin(TrainingContext context) => AtomicFile.CheckTarget(Path, overwrite: true);

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        if (Monitor.Read(record) is not double value || !Monitor.Improves(value, _best, 0)) return;
        _best = value;
        ModelFile.Save(context.Model, Path, overwrite: true);
    }

    public string StateName => "ModelCheckpoint";

    public IReadOnlyDictionary<string, double?> SaveState() => new Dictionary<string, double?> { ["Best"] = _best };

    public void RestoreState(IReadOnlyDictionary<string, double?> state, TrainingContext context) => _best = state.Get("Best");
}
