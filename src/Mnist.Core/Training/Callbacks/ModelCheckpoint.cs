using Mnist.Core.Persistence;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' ModelCheckpoint with save_best_only: writes the model file after each epoch that improves on the best, in
/// the format its extension names (.onnx, .pt/.pth, else the module's own), as Export-MnistModel would.
/// </summary>
public sealed class ModelCheckpoint : ITrainingCallback, IResumableCallback
{
    private double? _best;

    /// <param name="force">Replace whatever file is there; without it only an earlier checkpoint (a model file of the same format) is replaced.</param>
    public ModelCheckpoint(string path, MonitorMetric monitor = MonitorMetric.ValLoss, bool force = false)
    {
        Path = path;
        Monitor = monitor;
        Force = force;
    }

    public string Path { get; }
    public MonitorMetric Monitor { get; }
    public bool Force { get; }
    public ModelFormat Format => ModelFormats.FromPath(Path);

    /// <summary>Checks the target before the first epoch (name, folder, rights, file kind, what is there), so a bad path does not cost an epoch of work.</summary>
    public void OnTrainBegin(TrainingContext context) => CheckpointTarget.Check(Path, Format, Force);

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        if (Monitor.Read(record) is not double value || !Monitor.Improves(value, _best, 0)) return;
        _best = value;
        ModelFormats.Save(context.Model, Path, Format, overwrite: true);
    }

    public string StateName => "ModelCheckpoint";

    public IReadOnlyDictionary<string, double?> SaveState() => new Dictionary<string, double?> { ["Best"] = _best };

    public void RestoreState(IReadOnlyDictionary<string, double?> state, TrainingContext context) => _best = state.Get("Best");
}
