using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using Mnist.Core.Training.Callbacks;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Training as a short loop with callbacks, and a stopped training that changes nothing it did not finish.</summary>
public class CallbackTests
{
    private static MnistDataset Slice => TestData.Mnist.Take(2_000, 200);
    private static readonly TrainingOptions Options = new() { Epochs = 3, BatchSize = 100, ThreadCount = 1 };

    /// <summary>Stops the training at the given epoch and batch, the way a callback or the clock would.</summary>
    private sealed class AbandonAt(int epoch, int batch) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.Epoch == epoch && context.Batch == batch) context.Abandon("test");
        }
    }

    private sealed class CancelAt(int epoch, int batch, CancellationTokenSource cancel) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.Epoch == epoch && context.Batch == batch) cancel.Cancel();
        }
    }

    private static float[] Predictions(MnistModel model, MnistDataset data) =>
        Predictor.PredictSplit(model, data.Test).SelectMany(p => p.Probabilities.Select(v => (float)v)).ToArray();

    [Fact]
    public void An_abandoned_epoch_is_undone_bitwise()
    {
        var data = Slice;
        using var stopped = new MnistModel(new ModelSpec { Seed = 11 });
        var result = Trainer.Fit(stopped, data.Train, Options, new[] { new AbandonAt(3, 7) });
        Assert.Equal((3, 7), result.AbandonedAt);
        Assert.Equal(2, stopped.EpochsTrained);

        using var unbroken = new MnistModel(new ModelSpec { Seed = 11 });
        Trainer.Fit(unbroken, data.Train, Options with { Epochs = 2 });
        Assert.Equal(Predictions(unbroken, data), Predictions(stopped, data));

        // Optimizer state and generator were put back too: one more epoch on each stays identical.
        Trainer.Fit(stopped, data.Train, Options with { Epochs = 1 });
        Trainer.Fit(unbroken, data.Train, Options with { Epochs = 1 });
        Assert.Equal(Predictions(unbroken, data), Predictions(stopped, data));
        Assert.Equal(unbroken.History[^1].Loss, stopped.History[^1].Loss);
    }

    [Fact]
    public void A_cancelled_training_is_rolled_back_to_its_last_completed_epoch()
    {
        var data = Slice;
        using var cancel = new CancellationTokenSource();
        using var stopped = new MnistModel(new ModelSpec { Seed = 12 });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Trainer.Fit(stopped, data.Train, Options, new[] { new CancelAt(2, 5, cancel) }, cancel.Token));
        Assert.Equal(1, stopped.EpochsTrained);
        using var unbroken = new MnistModel(new ModelSpec { Seed = 12 });
        Trainer.Fit(unbroken, data.Train, Options with { Epochs = 1 });
        Assert.Equal(Predictions(unbroken, data), Predictions(stopped, data));
    }

    [Fact]
    public void The_time_limit_ends_the_training_on_time_with_a_consistent_model()
    {
        var data = TestData.Mnist.Take(20_000, 200);
        using var model = new MnistModel(new ModelSpec { Seed = 13 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Trainer.Fit(model, data.Train, new TrainingOptions { Epochs = 1000, MaxDuration = TimeSpan.FromSeconds(3) });
        // Not a wall-clock window (this machine's speed moves 30-100%): a thousand epochs would take many minutes,
        // so ending at all within a minute is the limit at work, and the reason says which rule ended it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.True(result.StoppedEarly);
        Assert.Contains("time limit", result.StopReason);
        Assert.Equal(result.Epochs.Count, model.EpochsTrained);
    }

    [Fact]
    public void A_callback_can_stop_the_training_after_an_epoch()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 14 });
        var seen = new List<int>();
        var result = Trainer.Fit(model, Slice.Train, Options with { Epochs = 10 }, new[]
        {
            new EpochEndAction((record, training) => { seen.Add(record.Epoch); if (record.Epoch == 2) training.Stop("enough"); }),
        });
        Assert.Equal(new[] { 1, 2 }, seen);
        Assert.Equal(2, model.EpochsTrained);
        Assert.Equal("enough", result.StopReason);
        Assert.Null(result.AbandonedAt);
    }

    [Fact]
    public void A_continued_training_continues_its_schedule()
    {
        var spec = new ModelSpec { Seed = 15, Schedule = LearningRateSchedule.Cosine, LearningRate = 0.01 };
        using var unbroken = new MnistModel(spec);
        Trainer.Fit(unbroken, Slice.Train, Options with { Epochs = 4 });

        using var resumed = new MnistModel(spec);
        Trainer.Fit(resumed, Slice.Train, Options with { Epochs = 4 }, new[]
        {
            new EpochEndAction((record, training) => { if (record.Epoch == 2) training.Stop("night is over"); }),
        });
        Trainer.Fit(resumed, Slice.Train, Options with { Epochs = 2 });
        Assert.Equal(unbroken.History.Select(h => h.LearningRate), resumed.History.Select(h => h.LearningRate));
        Assert.Equal(unbroken.History.Select(h => h.Loss), resumed.History.Select(h => h.Loss));
    }

    [Fact]
    public void Early_stopping_watches_val_loss_with_min_delta()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 16, LearningRate = 0.05 });
        var result = Trainer.Fit(model, Slice.Train, Options with { Epochs = 30, Patience = 1, MinDelta = 10, ValidationSplit = 0.2 });
        // No epoch can improve val_loss by 10: the second epoch ends it.
        Assert.Equal(2, result.Epochs.Count);
        Assert.Contains("val_loss", result.StopReason);
    }

    [Fact]
    public void The_thread_count_is_restored_after_training()
    {
        int before = TorchSharp.torch.get_num_threads();
        using var model = new MnistModel(new ModelSpec { Seed = 17 });
        Trainer.Fit(model, Slice.Train, Options with { Epochs = 1, ThreadCount = before == 1 ? 2 : 1 });
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void A_checkpoint_in_a_missing_folder_is_refused_before_the_first_epoch()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 18 });
        var path = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "best.mnistmodel");
        var e = Assert.Throws<MnistException>(() => Trainer.Fit(model, Slice.Train, Options with { CheckpointPath = path }));
        Assert.Equal("FolderNotFound", e.ErrorId);
        Assert.Equal(0, model.EpochsTrained);
    }
}
