using System.Diagnostics;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Diagnostics;

/// <summary>
/// The wall-clock milliseconds of every batch of a training (from its OnBatchBegin to its OnBatchEnd) and the process's
/// CPU seconds of every epoch, for the bench: where a first epoch in a fresh process loses its time.
/// </summary>
public sealed class BatchClock : ITrainingCallback
{
    private readonly List<double> _milliseconds = new();
    private readonly List<double> _epochCpuSeconds = new();
    private long _start;
    private TimeSpan _epochCpuStart;

    public IReadOnlyList<double> Milliseconds => _milliseconds;

    /// <summary>The process's CPU seconds (every thread) in each epoch: on a shared machine, less noisy than wall time.</summary>
    public IReadOnlyList<double> EpochCpuSeconds => _epochCpuSeconds;

    public void OnEpochBegin(TrainingContext context) => _epochCpuStart = Process.GetCurrentProcess().TotalProcessorTime;

    public void OnEpochEnd(TrainingContext context, EpochRecord record) =>
        _epochCpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - _epochCpuStart).TotalSeconds);

    public void OnBatchBegin(TrainingContext context) => _start = Stopwatch.GetTimestamp();

    public void OnBatchEnd(TrainingContext context) => _milliseconds.Add(Stopwatch.GetElapsedTime(_start).TotalMilliseconds);

    /// <summary>Trains as Invoke-MnistTraining would (no validation, quiet) and returns each batch's milliseconds.</summary>
    public static BatchClock Train(MnistModel model, MnistSplit train, int epochs, int threads)
    {
        var clock = new BatchClock();
        Trainer.Fit(model, train, new TrainingOptions { Epochs = epochs, ValidationSplit = 0, ThreadCount = threads }, new[] { clock });
        return clock;
    }
}
