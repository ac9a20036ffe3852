using Mnist.Core.FastPaths;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Runtime;
using Mnist.Core.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

/// <summary>-Precision BFloat16: mixed-precision products, float32 everywhere else. One class: one test changes a static.</summary>
public class PrecisionTests
{
    private static TrainingOptions BFloat16(int epochs, int threads = 2) =>
        new() { Epochs = epochs, ThreadCount = threads, Precision = TrainingPrecision.BFloat16 };

    /// <summary>A test that trains in bfloat16: skipped, with the reason, on a processor that refuses it.</summary>
    private sealed class BFloat16FactAttribute : FactAttribute
    {
        public BFloat16FactAttribute()
        {
            if (!CpuFeatures.FastBFloat16)
                Skip = "this processor has neither AVX512-BF16 nor AMX-BF16, so training in bfloat16 is refused here " +
                       "(Bfloat16_is_refused_on_a_processor_without_it_before_anything_changes checks that)";
        }
    }

    [Theory]
    [InlineData(Architecture.Mlp)]
    [InlineData(Architecture.FastCnn)]
    public void The_bfloat16_forward_rounds_the_products_only_and_returns_float32(Architecture architecture)
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(architecture) with { Seed = 3 });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.Network.eval();
        var x = TestData.Mnist.Test.Features.narrow(0, 0, 64);
        var exact = model.Network.forward(x);
        var mixed = BFloat16Forward.Forward(model.Network, x);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        Assert.Equal(exact.shape, mixed.shape);
        float largest = exact.abs().max().item<float>(), difference = mixed.sub(exact).abs().max().item<float>();
        // bfloat16 keeps 8 significant bits: the logits move, by about 1% of their size, never more than 5%.
        Assert.True(difference > 0, "the products were not rounded to bfloat16");
        Assert.True(difference < 0.05 * largest, $"difference {difference} for logits up to {largest}");
        Assert.All(model.Network.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [BFloat16Fact]
    public void Training_in_bfloat16_learns_as_well_as_float32_and_records_it_per_epoch()
    {
        var data = TestData.Mnist.Take(6_000, 1_000);
        double Accuracy(TrainingPrecision precision, out IReadOnlyList<EpochRecord> history)
        {
            using var model = new MnistModel(new ModelSpec { Seed = 4 });
            history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 3, ThreadCount = 2, Precision = precision });
            Assert.All(model.Network.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
            return Evaluator.Evaluate(model, data.Test).Accuracy;
        }
        double mixed = Accuracy(TrainingPrecision.BFloat16, out var mixedHistory);
        double exact = Accuracy(TrainingPrecision.Float32, out var exactHistory);
        Assert.True(mixedHistory[^1].Loss < mixedHistory[0].Loss, $"loss {mixedHistory[0].Loss} -> {mixedHistory[^1].Loss}");
        Assert.True(mixed > 0.9, $"bfloat16 test accuracy {mixed}");
        Assert.True(Math.Abs(mixed - exact) < 0.01, $"bfloat16 {mixed}, float32 {exact}");
        Assert.All(mixedHistory, r => Assert.Equal(TrainingPrecision.BFloat16, r.Precision));
        Assert.All(exactHistory, r => Assert.Null(r.Precision));
    }

    [BFloat16Fact]
    public void The_same_seed_and_threads_repeat_a_bfloat16_training_bitwise()
    {
        var data = TestData.Mnist.Take(2_000, 100);
        IReadOnlyList<EpochRecord> Run()
        {
            using var model = new MnistModel(new ModelSpec { Seed = 9 });
            return Trainer.Fit(model, data, BFloat16(epochs: 2));
        }
        Assert.Equal(Run().Select(r => (r.Loss, r.ValLoss)), Run().Select(r => (r.Loss, r.ValLoss)));
    }

    [BFloat16Fact]
    public void A_saved_model_keeps_the_precision_of_its_epochs()
    {
        var data = TestData.Mnist.Take(512, 64);
        using var model = new MnistModel(new ModelSpec { Seed = 2, HiddenUnits = new[] { 16 } });
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, ValidationSplit = 0 });
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, ValidationSplit = 0, Precision = TrainingPrecision.BFloat16 });
        var path = Path.Combine(Path.GetTempPath(), "mnist-precision-" + Guid.NewGuid().ToString("N") + ".mnist");
        try
        {
            ModelFile.Save(model, path, overwrite: false);
            using var loaded = ModelFile.Load(path);
            Assert.Equal(new TrainingPrecision?[] { null, TrainingPrecision.BFloat16 }, loaded.History.Select(r => r.Precision));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bfloat16_is_refused_on_a_processor_without_it_before_anything_changes()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        CpuFeatures.s_fastBFloat16Override = false;
        try
        {
            var e = Assert.Throws<MnistException>(() => Trainer.Fit(model, TestData.Mnist.Take(100, 10), BFloat16(epochs: 1)));
            Assert.Equal("PrecisionNotSupported", e.ErrorId);
            Assert.Equal("Precision", e.Target);
            Assert.Empty(model.History);
        }
        finally
        {
            CpuFeatures.s_fastBFloat16Override = null;
        }
    }
}
