using System.Diagnostics;
using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Diagnostics;

/// <summary>The matrix products one training step of an MLP does, and how fast this machine does them.</summary>
/// <param name="PeakGflopPerSecond">The same machine on a large square product, for scale: what the shapes could reach.</param>
public sealed record ArithmeticFloor(double GflopPerSecond, double EpochGflop, double IdealEpochSeconds, double PeakGflopPerSecond);

public static class ArithmeticFloorMeter
{
    /// <summary>
    /// The (m, k, n) shapes of every matrix product of one training step: forward, the weight gradients, and the
    /// input gradients of every layer but the first (the data needs none).
    /// </summary>
    public static IReadOnlyList<(long M, long K, long N)> TrainingStepProducts(ModelSpec spec, int batchSize)
    {
        var widths = LayerWidths(spec);
        var products = new List<(long, long, long)>();
        for (int layer = 0; layer < widths.Count - 1; layer++)
        {
            long input = widths[layer], output = widths[layer + 1];
            products.Add((batchSize, input, output));
            products.Add((input, batchSize, output));
            if (layer > 0) products.Add((batchSize, output, input));
        }
        return products;
    }

    private static List<long> LayerWidths(ModelSpec spec)
    {
        if (spec.Architecture != Architecture.Mlp)
            throw new MnistException("FloorNotSupported", MnistErrorKind.InvalidArgument, "The arithmetic floor is computed for MLPs only.", spec.Architecture);
        var widths = new List<long> { spec.InputRows * spec.InputColumns };
        widths.AddRange(spec.HiddenUnits.Select(u => (long)u));
        widths.Add(spec.Classes);
        return widths;
    }

    /// <summary>FLOPs of one epoch: the training steps plus the forward pass over the validation images.</summary>
    public static double EpochFlops(ModelSpec spec, int trainImages, int validationImages, int batchSize)
    {
        double perStep = TrainingStepProducts(spec, batchSize).Sum(p => 2.0 * p.M * p.K * p.N);
        var widths = LayerWidths(spec);
        double perImageForward = widths.Zip(widths.Skip(1)).Sum(w => 2.0 * w.First * w.Second);
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
