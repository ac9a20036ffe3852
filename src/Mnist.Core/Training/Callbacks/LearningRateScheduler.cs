using Mnist.Core.Modeling;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' LearningRateScheduler over the model's own schedule. The schedule spans the model's plan, which a
/// continued training continues (a cosine goes on where it was, instead of starting again from the top).
/// </summary>
public sealed class LearningRateScheduler : ITrainingCallback
{
    public void OnEpochBegin(TrainingContext context) => Apply(context, 0);

    public void OnBatchBegin(TrainingContext context)
    {
        if (LearningRateSchedules.ChangesPerBatch(context.Model.Spec))
            Apply(context, (context.Batch - 1) / (double)context.BatchesPerEpoch);
    }

    private static void Apply(TrainingContext context, double batchFraction)
    {
        var model = context.Model;
        var plan = model.SchedulePlan ?? new SchedulePlan(context.FirstEpoch - 1, context.LastEpoch);
        var rate = LearningRateSchedules.RateAt(model.Spec, context.Epoch - 1 - plan.StartEpoch, plan.Epochs, batchFraction);
        if (context.LearningRateScale != 1) rate = Math.Max(rate * context.LearningRateScale, Math.Min(rate, context.MinimumLearningRate));
        model.SetLearningRate(rate);
        context.LearningRate = rate;
    }
}
