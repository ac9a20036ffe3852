using Mnist.Core.Modeling;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' EarlyStopping: stops when the monitored metric has not improved by more than MinDelta for Patience
/// epochs, and with RestoreBestWeights puts back the weights of the best epoch.
/// </summary>
public sealed class EarlyStopping : ITrainingCallback, IResumableCallback, IDisposable
{
    private double? _best;
    private int _bestEpoch;
    private TrainingSnapshot? _bestState;

    public EarlyStopping(MonitorMetric monitor, int patience, double minDelta = 0, bool restoreBestWeights = true)
    {
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
    }

    public MonitorMetric Monitor { get; }
    public int Patience { get; }
    public double MinDelta { get; }
    public bool RestoreBestWeights { get; }
    public int BestEpoch => _bestEpoch;

    /// <summary>The epoch whose weights were put back when the training ended, or null when none were.</summary>
    public int? RestoredEpoch { get; private set; }

    /// <summary>Whether a backup must carry the best epoch's weights (they are not the model's own any more).</summary>
    internal bool KeepsBestWeights => RestoreBestWeights && _bestEpoch > 0;

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        if (Monitor.Read(record) is not double value) return;
        if (Monitor.Improves(value, _best, MinDelta))
        {
            _best = value;
            _bestEpoch = record.Epoch;
            if (RestoreBestWeights)
            {
                _bestState?.Dispose();
                _bestState = context.Model.CaptureTrainingState();
            }
        }
        else if (record.Epoch - _bestEpoch >= Patience)
        {
            context.Stop($"{Monitor.KerasName()} did not improve for {Patience} epoch(s) after epoch {_bestEpoch}");
        }
    }

    public void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _bestState is not null && context.Model.History.Count > 0 && context.Model.History[^1].Epoch != _bestEpoch)
        {
            _bestState.RestoreWeightsInto(context.Model);
            context.Model.MarkWeightsRestoredTo(_bestEpoch);
            RestoredEpoch = _bestEpoch;
        }
        Dispose();
    }

    public string StateName => "EarlyStopping";

    public IReadOnlyDictionary<string, double?> SaveState() => new Dictionary<string, double?>
    {
        ["Best"] = _best,
        ["BestEpoch"] = _bestEpoch,
    };

    public void RestoreState(IReadOnlyDictionary<string, double?> state, TrainingContext context)
    {
        _best = state.Get("Best");
        _bestEpoch = (int)(state.Get("BestEpoch") ?? 0);
    }

    /// <summary>The best epoch's weights, as a resumed training finds them in its backup.</summary>
    internal void ResumeBestState(TrainingSnapshot state)
    {
        _bestState?.Dispose();
        _bestState = state;
    }

    public void Dispose()
    {
        _bestState?.Dispose();
        _bestState = null;
    }
}
