using System.Collections.Concurrent;
using System.Diagnostics;
using Mnist.Core.Modeling;
using static TorchSharp.torch;

namespace Mnist.Core.Training;

/// <summary>
/// What a process pays once before its first batches run at speed, paid before a training's first epoch starts its
/// clock: a few steps of a throwaway model of the same network, batch size, threads and precision, over the real
/// split's first rows, through the same step code (so the JIT has compiled it, libtorch's thread pool is up, oneDNN
/// has made its convolution primitives for those shapes and the allocator has its working size). The model being
/// trained is not touched: its weights, optimizer state and random generator are the same as without the warm-up,
/// so results stay bitwise as they were. Done once per process for each network, batch size, threads and precision.
/// </summary>
public static class TrainingWarmUp
{
    private static readonly ConcurrentDictionary<string, double> Done = new();

    /// <summary>Whether trainings warm up (on unless turned off, as bench/cnn.ps1 -NoWarmUp does to measure without).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>The steps a warm-up takes at the batch size (plus one at the epoch's last, shorter batch when there is one).</summary>
    public const int Steps = 3;

    /// <summary>Seconds each warm-up took, by what it warmed (layers, optimizer, batch sizes, threads, precision).</summary>
    public static IReadOnlyDictionary<string, double> Seconds => Done;

    /// <summary>Seconds the last warm-up of this process took; null before the first.</summary>
    public static double? LastSeconds { get; private set; }

    /// <summary>Warms up once for this network and batch shape; returns the seconds it took, or null when it was done before.</summary>
    internal static double? Ensure(MnistModel model, MnistSplitTensors data, int batchSize, int trainCount, AugmentationOptions? augmentation,
        int rows, int columns, TrainingPrecision precision)
    {
        if (!Enabled) return null;
        int last = trainCount % batchSize;
        var spec = model.Spec.WithLayers();
        string key = $"{string.Join("; ", spec.Layers!)} | {spec.Optimizer} | batch {batchSize}/{last} | {TorchSharp.torch.get_num_threads()} threads | {precision}" +
            (augmentation is null ? "" : " | augmented");
        if (!Done.TryAdd(key, double.NaN)) return null;
        var clock = Stopwatch.StartNew();
        using (var throwaway = new MnistModel(spec with { Seed = 0 }, model.ClassNames))
        {
            throwaway.Network.train();
            var augmenter = augmentation is null ? null : new BatchAugmenter(augmentation, rows, columns, throwaway.Generator);
            using var step = new TrainingStep(throwaway, data, augmenter, precision);
            int full = Math.Min(batchSize, trainCount);
            for (int i = 0; i < Steps; i++)
                using (var index = arange(full)) step.Run(index);
            if (last > 0 && trainCount > batchSize)
                using (var index = arange(last)) step.Run(index);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Done[key] = seconds;
        LastSeconds = seconds;
        return seconds;
    }

    /// <summary>Forgets the warm-ups done (for tests).</summary>
    internal static void Reset()
    {
        Done.Clear();
        LastSeconds = null;
    }
}
