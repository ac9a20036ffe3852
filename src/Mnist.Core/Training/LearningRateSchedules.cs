using Mnist.Core.Modeling;

namespace Mnist.Core.Training;

/// <summary>The learning rate a schedule gives at a point of its plan.</summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// The rate for the zero-based <paramref name="epochIndex"/> of a plan of <paramref name="totalEpochs"/> epochs,
    /// at <paramref name="batchFraction"/> (0 to 1) through that epoch. Step and cosine change per epoch.
    /// </summary>
    public static double RateAt(ModelSpec spec, int epochIndex, int totalEpochs, double batchFraction = 0) => spec.Schedule switch
    {
        LearningRateSchedule.Step => spec.LearningRate * Math.Pow(spec.StepGamma, epochIndex / Math.Max(1, spec.StepSize)),
        LearningRateSchedule.Cosine => totalEpochs <= 1
            ? spec.LearningRate
            : spec.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epochIndex / totalEpochs)),
        _ => spec.LearningRate,
    };

    /// <summary>Whether the rate changes within an epoch (and so must be set per batch).</summary>
    public static bool ChangesPerBatch(ModelSpec spec) => false;
}
