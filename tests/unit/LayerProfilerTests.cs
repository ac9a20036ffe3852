using Mnist.Core.FastPaths;
using Mnist.Core.Diagnostics;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

public class LayerProfilerTests
{
    [Fact]
    public void Times_every_layer_of_FastCnns_step_forward_and_backward()
    {
        var model = new MnistModel(ModelSpec.DefaultFor(Architecture.FastCnn) with { Seed = 2 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = LayerProfiler.Measure(model, TestData.Mnist.Train.Slice(0, 1_000), batchSize: 64, batches: 3, warmup: 1, threads: 1);
        clock.Stop();
        Assert.Equal(new[] { "normalization", "reshape", "conv2d", "max_pooling2d", "activation", "conv2d_1",
            "max_pooling2d_1", "activation_1", "flatten", "dense.0", "dense.1", "dense_1" }, timings.Select(t => t.Layer));
        // The times are per timed batch: all layers of the three timed batches fit in the call's own wall time.
        double accounted = timings.Sum(t => t.ForwardMilliseconds + t.BackwardMilliseconds) * 3;
        Assert.InRange(accounted, 0.01, clock.Elapsed.TotalMilliseconds);
        // The convolutions do the work: each takes time both ways; the layers before the first (no gradient) none back.
        foreach (var conv in new[] { "conv2d", "conv2d_1" })
        {
            var timing = timings.Single(t => t.Layer == conv);
            Assert.True(timing.ForwardMilliseconds > 0 && timing.BackwardMilliseconds > 0, timing.ToString());
        }
        Assert.Equal(0, timings.Single(t => t.Layer == "normalization").BackwardMilliseconds);
        Assert.Equal(nameof(PooledConv2d), timings.Single(t => t.Layer == "conv2d").Module);
    }

    [Fact]
    public void Leaves_the_model_as_it_was_so_its_next_training_is_the_same()
    {
        var data = TestData.Mnist.Take(1_200, 100).Train;
        var options = new TrainingOptions { Epochs = 1, ThreadCount = 1, BatchSize = 100 };
        var profiled = new MnistModel(new ModelSpec { Seed = 7 });
        var untouched = new MnistModel(new ModelSpec { Seed = 7 });
        LayerProfiler.Measure(profiled, data, batchSize: 100, batches: 4, warmup: 1, threads: 1);
        Assert.False(profiled.Network.training);
        Assert.All(profiled.Network.parameters(), p => Assert.Null(p.grad));
        var a = Trainer.Fit(profiled, data, options).Epochs.Single();
        var b = Trainer.Fit(untouched, data, options).Epochs.Single();
        Assert.Equal(BitConverter.DoubleToInt64Bits(b.Loss), BitConverter.DoubleToInt64Bits(a.Loss));
        Assert.Equal(BitConverter.DoubleToInt64Bits(b.ValLoss!.Value), BitConverter.DoubleToInt64Bits(a.ValLoss!.Value));
    }

    [Fact]
    public void Refuses_a_batch_larger_than_the_split()
    {
        var model = new MnistModel(new ModelSpec());
        var error = Assert.Throws<MnistException>(() => LayerProfiler.Measure(model, TestData.Mnist.Train.Slice(0, 50), batchSize: 64, batches: 1));
        Assert.Equal("InvalidTrainingOption", error.ErrorId);
    }
}
