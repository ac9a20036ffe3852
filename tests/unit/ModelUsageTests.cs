using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Mnist.Core.Training.Callbacks;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>A model is trained by one training at a time, and after Dispose() nothing touches its freed weights.</summary>
public class ModelUsageTests
{
    private static readonly Data.MnistDataset Data = TestData.Mnist.Take(512, 64);

    private static TrainingOptions Options(int epochs) => new() { Epochs = epochs, ValidationSplit = 0, ThreadCount = 1 };

    /// <summary>Trains on another thread, holding the end of its first epoch until <paramref name="release"/> is set.</summary>
    private static Task<TrainingResult> TrainHeld(MnistModel model, int epochs, ManualResetEventSlim reached, ManualResetEventSlim release) =>
        Task.Run(() => Trainer.Fit(model, Data.Train, Options(epochs), new[]
        {
            new EpochEndAction((record, _) =>
            {
                if (record.Epoch != 1) return;
                reached.Set();
                Assert.True(release.Wait(TimeSpan.FromMinutes(1)));
            }),
        }));

    [Fact]
    public void A_second_training_of_a_model_in_training_is_refused_and_changes_nothing()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 5, HiddenUnits = new[] { 16 } });
        using var reached = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = TrainHeld(model, 2, reached, release);
        Assert.True(reached.Wait(TimeSpan.FromMinutes(1)));
        var e = Assert.Throws<MnistException>(() => Trainer.Fit(model, Data.Train, Options(1)));
        Assert.Equal(MnistModel.InTrainingErrorId, e.ErrorId);
        Assert.Same(model, e.Target);
        Assert.Equal(MnistModel.InTrainingErrorId, Assert.Throws<MnistException>(() => model.Reseed(9)).ErrorId);
        release.Set();
        first.Wait();
        Assert.Equal(new[] { 1, 2 }, model.History.Select(h => h.Epoch));
        Assert.Equal(5, model.Seed);

        using var alone = new MnistModel(new ModelSpec { Seed = 5, HiddenUnits = new[] { 16 } });
        Trainer.Fit(alone, Data.Train, Options(2));
        Assert.Equal(alone.History.Select(h => h.Loss), model.History.Select(h => h.Loss));
        Trainer.Fit(model, Data.Train, Options(1)); // and trains again once the first has ended
        Assert.Equal(new[] { 1, 2, 3 }, model.History.Select(h => h.Epoch));
    }

    [Fact]
    public void Dispose_from_another_thread_during_training_waits_for_it_and_ends_it_with_ModelDisposed()
    {
        var model = new MnistModel(new ModelSpec { Seed = 6, HiddenUnits = new[] { 16 } });
        using var reached = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var training = TrainHeld(model, 3, reached, release);
        Assert.True(reached.Wait(TimeSpan.FromMinutes(1)));
        model.Dispose(); // returns at once: the training still uses the weights
        Assert.True(model.IsDisposed);
        Assert.Equal(MnistModel.DisposedErrorId, Assert.Throws<MnistException>(() => Predictor.PredictPixels(model, new byte[784])).ErrorId);
        release.Set();
        var e = Assert.Throws<MnistException>(() => training.GetAwaiter().GetResult());
        Assert.Equal(MnistModel.DisposedErrorId, e.ErrorId);
        Assert.Equal(new[] { 1 }, model.History.Select(h => h.Epoch)); // the second epoch was undone
        // The weights are freed now: touching them is the module's error, never a native crash.
        Assert.Equal(MnistModel.DisposedErrorId, Assert.Throws<MnistException>(() => model.State).ErrorId);
    }

    /// <summary>Convolution, then dropout: trained through autograd, where dropout follows the network's mode.</summary>
    private static ModelSpec WithDropout(long seed) => new()
    {
        Architecture = Architecture.Custom,
        Layers = new[] { "Conv2D(4, 3, activation=relu)", "Flatten", "Dropout(0.5)", "Dense(10)" },
        Seed = seed,
    };

    [Fact]
    public void Predictions_from_other_threads_during_a_training_change_nothing_in_it()
    {
        using var alone = new MnistModel(WithDropout(11));
        Trainer.Fit(alone, Data.Train, Options(2));

        using var model = new MnistModel(WithDropout(11));
        using var trainingEnded = new CancellationTokenSource();
        var pixels = Data.Test.GetImage(0);
        int duringTraining = 0;
        // The training starts once both predictors run: a busy thread pool could otherwise start them after it ended.
        using var bothRunning = new CountdownEvent(2);
        var predictors = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            bothRunning.Signal();
            while (!trainingEnded.IsCancellationRequested)
            {
                Predictor.PredictPixels(model, pixels);
                Interlocked.Increment(ref duringTraining);
            }
        })).ToArray();
        Assert.True(bothRunning.Wait(TimeSpan.FromMinutes(1)), "both predictors started");
        Trainer.Fit(model, Data.Train, Options(2));
        trainingEnded.Cancel();
        Task.WaitAll(predictors);

        Assert.True(duringTraining >= 10, $"only {duringTraining} predictions ran during the training");
        // Two readers at once neither switched the training's dropout off nor drew from its generator.
        Assert.Equal(alone.History.Select(h => h.Loss), model.History.Select(h => h.Loss));
        var trainedAlone = alone.State;
        foreach (var (name, tensor) in model.State) Assert.True(tensor.equal(trainedAlone[name]).all().item<bool>(), name);
        Assert.False(model.Network.training);
    }

    [Fact]
    public void A_prediction_waits_for_a_change_of_the_network_in_progress_and_sees_it_whole()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 12, HiddenUnits = new[] { 16 } });
        var pixels = Data.Test.GetImage(0);
        var before = Predictor.PredictPixels(model, pixels).Probabilities;
        Task<MnistPrediction> prediction;
        using (model.BeginNetworkChange())
        {
            prediction = Task.Run(() => Predictor.PredictPixels(model, pixels));
            Assert.False(prediction.Wait(TimeSpan.FromMilliseconds(300)), "the prediction ran during the change");
            using (TorchSharp.torch.no_grad())
                foreach (var tensor in model.State.Values) tensor.zero_();
        }
        Assert.True(prediction.Wait(TimeSpan.FromMinutes(1)));
        Assert.All(prediction.Result.Probabilities, p => Assert.Equal(0.1, p, 6)); // all weights zero: every class alike
        Assert.NotEqual(before, prediction.Result.Probabilities);
    }

    [Theory]
    [InlineData(ModelFormat.Mnist, "m.model")]
    [InlineData(ModelFormat.Onnx, "m.onnx")]
    [InlineData(ModelFormat.PyTorch, "m.pt")]
    public void A_disposed_model_is_not_saved_and_leaves_no_file(ModelFormat format, string name)
    {
        var model = new MnistModel(new ModelSpec { Seed = 7, HiddenUnits = new[] { 8 } });
        model.Dispose();
        var folder = ForeignModelFileTests.TempFolder();
        var e = Assert.Throws<MnistException>(() => ModelFormats.Save(model, Path.Combine(folder, name), format, overwrite: false));
        Assert.Equal(MnistModel.DisposedErrorId, e.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.Equal(MnistModel.DisposedErrorId, Assert.Throws<MnistException>(() => Evaluator.Evaluate(model, Data.Test)).ErrorId);
        Assert.Equal(MnistModel.DisposedErrorId, Assert.Throws<MnistException>(() => Trainer.Fit(model, Data.Train, Options(1))).ErrorId);
        model.Dispose(); // a second Dispose is harmless
    }
}
