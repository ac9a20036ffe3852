namespace Mnist.Core.Training.Callbacks;

/// <summary>The validation metric early stopping and checkpoints watch, with Keras' names.</summary>
public enum MonitorMetric { ValLoss, ValAccuracy }

internal static class MonitorExtensions
{
    public static string KerasName(this MonitorMetric metric) => metric == MonitorMetric.ValLoss ? "val_loss" : "val_accuracy";

    public static double? Read(this MonitorMetric metric, EpochRecord record) =>
        metric == MonitorMetric.ValLoss ? record.ValLoss : record.ValAccuracy;

    /// <summary>Whether <paramref name="value"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    public static bool Improves(this MonitorMetric metric, double value, double? best, double minDelta) =>
        best is not double b || (metric == MonitorMetric.ValLoss ? value < b - minDelta : value > b + minDelta);
}
