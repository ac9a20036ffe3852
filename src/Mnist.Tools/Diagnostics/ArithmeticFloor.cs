using System.Diagnostics;
using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Diagnostics;

/// <summary>The matrix products one training step of a model does (read from its layers), and how fast this machine does them.</summary>
/// <param name="PeakGflopPerSecond">The same machine on a large square product, for scale: what the shapes could reach.</param>
public sealed record ArithmeticFloor(double GflopPerSecond, double EpochGflop, double IdealEpochSeconds, double PeakGflopPerSecond);

public static class ArithmeticFloorMeter
{
    /// <summary>
    /// The (m, k, n) shapes of every matrix product of one training step, read from the model's layers (a convolution
    /// as its im2col product): forward, the weight gradients, and the input gradients of every layer with weights but
    /// the first (the data needs none).
    /// </summary>
    public static IReadOnlyList<(long M, long K, long N)> TrainingStepProducts(ModelSpec spec, int batchSize)
    {
        var products = new List<(long, long, long)>();
        bool first = true;
        foreach (var layer in spec.Describe().Layers)
        {
            foreach (var (m, k, n) in layer.ForwardProducts(batchSize))
            {
                products.Add((m, k, n));
                products.Add((k, m, n));
                if (!first) products.Add((m, n, k));
                first = false;
            }
        }
        return products;
    }

    /// <summary>FLOPs of one epoch: the training steps plus the forward pass over the validation images.</summary>
    public static double EpochFlops(ModelSpec spec, int trainImages, int validationImages, int batchSize)
    {
        double perStep = TrainingStepProducts(spec, batchSize).Sum(p => 2.0 * p.M * p.K * p.N);
        double perImageForward = spec.Describe().Layers.SelectMany(l => l.ForwardProducts(1)).Sum(p => 2.0 * p.M * p.K * p.N);
        return perStep * trainImages / batchSize + perImageForward * validationImages;
    }

    /// <summary>Times the step's matrix products (fp32) in this process and turns them into an ideal epoch time.</summary>
    public static ArithmeticFloor Measure(ModelSpec spec, int trainImages, int validationImages, int batchSize, int threads,
        TimeSpan budget)
    {
        using var _ = TorchThreads.Use(threads);
        var gflops = GflopPerSecond(TrainingStepProducts(spec, batchSize), budget);
        var peak = GflopPerSecond(new[] { (1024L, 1024L, 1024L) }, budget);
        var epochGflop = EpochFlops(spec, trainImages, validationImages, batchSize) / 1e9;
        return new ArithmeticFloor(gflops, epochGflop, epochGflop / gflops, peak);
    }

    /// <summary>
    /// The fp32 product rate on 1024x1024x1024 products over <paramref name="budget"/>: the scale the bench divides an
    /// epoch's FLOPs by. Short enough to take right before and after one epoch, so both see the same machine.
    /// </summary>
    public static double SquareProductGflopPerSecond(int threads, TimeSpan budget)
    {
        using var _ = TorchThreads.Use(threads);
        return GflopPerSecond(new[] { (1024L, 1024L, 1024L) }, budget);
    }

    private static double GflopPerSecond(IReadOnlyList<(long M, long K, long N)> products, TimeSpan budget)
    {
        using var scope = NewDisposeScope();
        var operands = products.Select(p => (A: randn(p.M, p.K), B: randn(p.K, p.N))).ToArray();
        double flopsPerRound = products.Sum(p => 2.0 * p.M * p.K * p.N);
        void Round()
        {
            using var round = NewDisposeScope();
            foreach (var (a, b) in operands) a.mm(b);
        }
        for (int i = 0; i < 10; i++) Round();
        var clock = Stopwatch.StartNew();
        long rounds = 0;
        while (clock.Elapsed < budget)
        {
            Round();
            rounds++;
        }
        return flopsPerRound * rounds / clock.Elapsed.TotalSeconds / 1e9;
    }
}
