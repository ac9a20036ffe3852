using Mnist.Core.Modeling;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

public class OneCycleTests
{
    private static readonly ModelSpec Fast = ModelSpec.DefaultFor(Architecture.FastCnn);

    [Fact]
    public void It_starts_at_a_25th_of_the_rate_peaks_at_30_percent_and_ends_near_zero()
    {
        Assert.Equal(0.01 / 25, LearningRateSchedules.RateAt(Fast, 0, 2, 0), 12);
        Assert.Equal(0.01, LearningRateSchedules.RateAt(Fast, 0, 2, 0.6), 12);
        Assert.Equal(0.01 / 25 / 1e4, LearningRateSchedules.OneCycle(0.01, 1), 15);
        Assert.True(LearningRateSchedules.RateAt(Fast, 1, 2, 0.99) < 1e-5);
    }

    [Fact]
    public void It_rises_then_falls_and_changes_per_batch()
    {
        var rates = Enumerable.Range(0, 100).Select(i => LearningRateSchedules.RateAt(Fast, i / 50, 2, i % 50 / 50.0)).ToArray();
        int peak = Array.IndexOf(rates, rates.Max());
        Assert.InRange(peak, 29, 31);
        for (int i = 1; i <= peak; i++) Assert.True(rates[i] > rates[i - 1]);
        for (int i = peak + 1; i < rates.Length; i++) Assert.True(rates[i] < rates[i - 1]);
        Assert.True(LearningRateSchedules.ChangesPerBatch(Fast));
        Assert.False(LearningRateSchedules.ChangesPerBatch(new ModelSpec()));
    }

    [Fact]
    public void Each_architecture_brings_its_own_training_defaults()
    {
        Assert.Equal((128, 0.001, 0.9, 0.999, LearningRateSchedule.Constant), Defaults(Architecture.Mlp));
        Assert.Equal((64, 0.003, 0.9, 0.999, LearningRateSchedule.OneCycle), Defaults(Architecture.Cnn));
        Assert.Equal((256, 0.01, 0.7, 0.9, LearningRateSchedule.OneCycle), Defaults(Architecture.FastCnn));
        static (int, double, double, double, LearningRateSchedule) Defaults(Architecture a)
        {
            var s = ModelSpec.DefaultFor(a);
            return (s.BatchSize, s.LearningRate, s.Beta1, s.Beta2, s.Schedule);
        }
    }

    [Fact]
    public void A_FastCnn_summary_shows_its_defaults()
    {
        using var model = new MnistModel(Fast with { Seed = 1 });
        Assert.Contains("betas 0.7, 0.9", model.Summary);
        Assert.Contains("batch size 256, schedule OneCycle", model.Summary);
        Assert.Equal(215_194, model.ParameterCount);
    }
}
