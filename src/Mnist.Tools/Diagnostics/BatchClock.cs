using System.Diagnostics;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Diagnostics;

/// <summary>
/// The wall-clock milliseconds of every batch of a training (from its OnBatchBegin to its OnBatchEnd), for the bench:
/// where a first epoch in a fresh process loses its time, batch by batch.
/// </summary>
public sealed class BatchClock : ITrainingCallback
{
    private readonly List<double> _milliseconds = new();
    private long _start;

    public IReadOnlyList<double> Milliseconds => _milliseconds;

    public void OnBatchBegin(TrainingContext context) => _start = Stopwatch.GetTimestamp();

    public void OnBatchEnd(TrainingContext context) => _milliseconds.Add(Stopwatch.GetElapsedTime(_start).TotalMilliseconds);

    /// <summary>Trains as Invoke-MnistTraining would (no validation, quiet) and returns each batch's milliseconds.</summary>
    public static IReadOnlyList<double> Train(MnistModel model, MnistSplit train, int epochs, int threads)
    {
        var clock = new BatchClock();
        Trainer.Fit(model, train, new TrainingOptions { Epochs = epochs, ValidationSplit = 0, ThreadCount = threads }, new[] { clock });
        return clock.Milliseconds;
    }
}
