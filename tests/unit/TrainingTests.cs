using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

public class TrainingTests
{
    [Fact]
    public void A_few_hundred_steps_on_real_data_lower_the_loss_and_learn()
    {
        var data = TestData.Mnist.Take(12_800, 2_000);
        using var model = new MnistModel(new ModelSpec { Seed = 3 });
        var before = Evaluator.Evaluate(model, data.Test);
        var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 3, BatchSize = 64, ValidationSplit = 0.1, ThreadCount = 2 });
        var after = Evaluator.Evaluate(model, data.Test);

        Assert.Equal(3, history.Count);
        Assert.True(history[^1].Loss < history[0].Loss, $"loss {history[0].Loss} -> {history[^1].Loss}");
        Assert.True(after.Loss < before.Loss / 3, $"test loss {before.Loss} -> {after.Loss}");
        Assert.True(after.Accuracy > 0.9, $"test accuracy {after.Accuracy}");
        Assert.True(history[^1].ValAccuracy > 0.9);
        Assert.Equal(11_520, history[0].Samples);
    }

    [Fact]
    public void The_same_seed_and_threads_give_the_same_history()
    {
        var data = TestData.Mnist.Take(3_000, 500);
        EpochRecord Run()
        {
            using var model = new MnistModel(new ModelSpec { Seed = 11 });
            return Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, ThreadCount = 1 })[0];
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.ValAccuracy, b.ValAccuracy);
    }

    [Fact]
    public void Training_stops_when_cancelled()
    {
        var data = TestData.Mnist.Take(6_000, 100);
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p => { if (p.Batch == 5) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Trainer.Fit(model, data, new TrainingOptions { Epochs = 3 }, progress, cancel: cancel.Token));
        Assert.Empty(model.History);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch_weights()
    {
        var data = TestData.Mnist.Take(2_000, 200);
        using var model = new MnistModel(new ModelSpec { Seed = 5, LearningRate = 0.05 });
        var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 30, Patience = 2, ValidationSplit = 0.2, Monitor = Mnist.Core.Training.Callbacks.MonitorMetric.ValAccuracy });
        Assert.True(history.Count < 30, "stopped early");
        var best = history.Max(h => h.ValAccuracy!.Value);
        var validation = data.Train.Slice(1_600, 400);
        Assert.Equal(best, Evaluator.Evaluate(model, validation).Accuracy, 6);
    }

    [Theory]
    [InlineData(0, 128, 0.1, "Epochs")]
    [InlineData(1, 0, 0.1, "BatchSize")]
    [InlineData(1, 128, 1.0, "ValidationSplit")]
    [InlineData(1, 128, -0.1, "ValidationSplit")]
    public void Rejects_bad_options_naming_them(int epochs, int batch, double split, string name)
    {
        using var model = new MnistModel(new ModelSpec());
        var e = Assert.Throws<MnistException>(() => Trainer.Fit(model, TestData.Mnist,
            new TrainingOptions { Epochs = epochs, BatchSize = batch, ValidationSplit = split }));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Cosine_and_step_schedules_lower_the_rate()
    {
        var cosine = new ModelSpec { Schedule = LearningRateSchedule.Cosine, LearningRate = 0.1 };
        Assert.Equal(0.1, Trainer.LearningRateFor(cosine, 0, 4), 9);
        Assert.Equal(0.05, Trainer.LearningRateFor(cosine, 2, 4), 9);
        var step = new ModelSpec { Schedule = LearningRateSchedule.Step, LearningRate = 0.1, StepSize = 2, StepGamma = 0.5 };
        Assert.Equal(0.1, Trainer.LearningRateFor(step, 1, 10), 9);
        Assert.Equal(0.05, Trainer.LearningRateFor(step, 2, 10), 9);
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
