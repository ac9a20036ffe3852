using System.Security.Cryptography;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// The warm-up and the JIT settling are once per process: this class runs alone (after the parallel classes), or
/// another class's training could take the process's one settling between this test's reset and its check.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class ProcessWideWarmUp
{
    public const string Name = "process-wide warm-up";
}

[Collection(ProcessWideWarmUp.Name)]
public class TrainingWarmUpTests
{
    [Fact]
    public void A_training_warms_up_once_per_network_and_batch_shape_and_trains_bitwise_as_without_it()
    {
        var data = TestData.Mnist.Take(600, 64);
        (string Weights, double? WarmUp) Train(int batchSize)
        {
            using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.FastCnn) with { Seed = 5 });
            var result = Trainer.Fit(model, data.Train, new TrainingOptions { Epochs = 1, ValidationSplit = 0, ThreadCount = 1, BatchSize = batchSize });
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var (name, tensor) in model.Network.state_dict())
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
                using var values = tensor.detach().contiguous();
                hash.AppendData(values.bytes);
            }
            return (Convert.ToHexString(hash.GetHashAndReset()), result.WarmUpSeconds);
        }

        TrainingWarmUp.Reset();
        var first = Train(100);
        var second = Train(100);
        Assert.NotNull(first.WarmUp);
        Assert.True(first.WarmUp > 0);
        Assert.Null(second.WarmUp);
        Assert.Equal(first.Weights, second.Weights);
        // Other test classes train in parallel and warm up too: look for this warm-up among the process's.
        Assert.Contains(first.WarmUp!.Value, TrainingWarmUp.Seconds.Values);
        // Another batch size is another shape: warmed up again, once.
        Assert.NotNull(Train(64).WarmUp);
        Assert.Null(Train(64).WarmUp);

        // Before an epoch of 100 batches or more, the process's first such warm-up also lets the JIT settle, bounded.
        var settled = Train(5);
        Assert.NotNull(settled.WarmUp);
        Assert.NotNull(TrainingWarmUp.SettleSeconds);
        Assert.InRange(TrainingWarmUp.SettleSeconds!.Value, 0.2, TrainingWarmUp.MaxSettleTime.TotalSeconds + 1);
        Assert.Equal(settled.Weights, Train(5).Weights);
    }
}
