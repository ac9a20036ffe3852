namespace Mnist.Core.Training;

/// <summary>
/// A hook into the training loop, as Keras' callbacks are: the loop trains, the callbacks keep History, stop
/// early, save checkpoints, set the learning rate, report progress and watch the clock. Every method is optional.
/// </summary>
public interface ITrainingCallback
{
    void OnTrainBegin(TrainingContext context) { }
    void OnEpochBegin(TrainingContext context) { }
    void OnBatchBegin(TrainingContext context) { }
    void OnBatchEnd(TrainingContext context) { }
    void OnEpochEnd(TrainingContext context, EpochRecord record) { }
    void OnTrainEnd(TrainingContext context) { }
}
