namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' ReduceLROnPlateau: when the monitored metric has not improved by more than MinDelta for Patience epochs,
/// the learning rate is multiplied by Factor (never below MinLearningRate), then waits Patience epochs again. The
/// reduction scales the model's own schedule, so a constant rate behaves exactly as in Keras.
/// </summary>
public sealed class ReduceLROnPlateau : ITrainingCallback, IResumableCallback
{
    private double? _best;
    private int _wait;

    public ReduceLROnPlateau(MonitorMetric monitor, double factor = 0.1, int patience = 10, double minLearningRate = 0, double minDelta = 0)
    {
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinLearningRate = minLearningRate;
        MinDelta = minDelta;
    }

    public MonitorMetric Monitor { get; }
    public double Factor { get; }
    public int Patience { get; }
    public double MinLearningRate { get; }
    public double MinDelta { get; }

    public void OnTrainBegin(TrainingContext context) => context.MinimumLearningRate = MinLearningRate;

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        if (Monitor.Read(record) is not double value) return;
        if (Monitor.Improves(value, _best, MinDelta))
        {
            _best = value;
            _wait = 0;
            return;
        }
        if (++_wait < Patience) return;
        _wait = 0;
        if (record.LearningRate <= MinLearningRate) return;
        context.LearningRateScale *= Factor;
    }

    public string StateName => "ReduceLROnPlateau";

    public IReadOnlyDictionary<string, double?> SaveState() => new Dictionary<string, double?>
    {
        ["Best"] = _best,
        ["Wait"] = _wait,
    };

    public void RestoreState(IReadOnlyDictionary<string, double?> state, TrainingContext context)
    {
        _best = state.Get("Best");
        _wait = (int)(state.Get("Wait") ?? 0);
    }
}
