namespace Mnist.Core.Training.Callbacks;

/// <summary>Keras' History: each completed epoch becomes a row of the model's History.</summary>
public sealed class HistoryRecorder : ITrainingCallback
{
    public void OnEpochEnd(TrainingContext context, EpochRecord record) => context.Model.AddHistory(record);
}
