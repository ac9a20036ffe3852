using Mnist.Core.Modeling;

namespace Mnist.Core.Training;

/// <summary>The learning rate a schedule gives at a point of its plan.</summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// The rate for the zero-based <paramref name="epochIndex"/> of a plan of <paramref name="totalEpochs"/> epochs,
    /// at <paramref name="batchFraction"/> (0 to 1) through that epoch. Step and cosine change per epoch, one-cycle per batch.
    /// </summary>
    public static double RateAt(ModelSpec spec, int epochIndex, int totalEpochs, double batchFraction = 0) => spec.Schedule switch
    {
        LearningRateSchedule.Step => spec.LearningRate * Math.Pow(spec.StepGamma, epochIndex / Math.Max(1, spec.StepSize)),
        LearningRateSchedule.Cosine => totalEpochs <= 1
            ? spec.LearningRate
            : spec.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epochIndex / totalEpochs)),
        LearningRateSchedule.OneCycle => OneCycle(spec.LearningRate, (epochIndex + batchFraction) / Math.Max(1, totalEpochs)),
        _ => spec.LearningRate,
    };

    /// <summary>PyTorch's OneCycleLR defaults (30% warm-up, cosine both ways, start at max/25, end at start/1e4).</summary>
    public static double OneCycle(double max, double position)
    {
        const double warmUp = 0.3, startDivisor = 25, endDivisor = 1e4;
        double start = max / startDivisor, end = start / endDivisor;
        position = Math.Clamp(position, 0, 1);
        static double Anneal(double from, double to, double pct) => to + (from - to) / 2 * (1 + Math.Cos(Math.PI * pct));
        return position <= warmUp ? Anneal(start, max, position / warmUp) : Anneal(max, end, (position - warmUp) / (1 - warmUp));
    }

    /// <summary>Whether the rate changes within an epoch (and so must be set per batch).</summary>
    public static bool ChangesPerBatch(ModelSpec spec) => spec.Schedule == LearningRateSchedule.OneCycle;
}
