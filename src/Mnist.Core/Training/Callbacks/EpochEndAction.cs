namespace Mnist.Core.Training.Callbacks;

/// <summary>A caller's own code after each epoch (a script block, in PowerShell); it may stop the training through the context.</summary>
public sealed class EpochEndAction : ITrainingCallback
{
    private readonly Action<EpochRecord, TrainingContext> _action;

    public EpochEndAction(Action<EpochRecord, TrainingContext> action) => _action = action;

    public void OnEpochEnd(TrainingContext context, EpochRecord record) => _action(record, context);
}
