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
            // Only before an epoch long enough for the JIT's work to matter: a short one would mostly pay for it here.
            if ((trainCount + batchSize - 1) / batchSize >= SettleMinBatches && Interlocked.Exchange(ref _jitSettled, 1) == 0)
                SettleJit(step, Math.Min(SettleBatch, full), clock);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Done[key] = seconds;
        LastSeconds = seconds;
        return seconds;
    }

    /// <summary>Longest the first warm-up of a process keeps stepping for the JIT to settle (see <see cref="SettleJit"/>).</summary>
    public static TimeSpan MaxSettleTime { get; set; } = TimeSpan.FromSeconds(2);

    private const int SettleBatch = 16;
    private const int SettleMinBatches = 100;
    private static readonly TimeSpan SettledAfter = TimeSpan.FromMilliseconds(200);
    private static int _jitSettled;

    /// <summary>
    /// .NET compiles a hot method's final code only after it has run 30 times past a start-up delay, on a background
    /// thread that competes with the training for the cores; in a fresh process that took 0.8-1.9 s of a FastCnn
    /// first epoch. Once per process, before the first epoch of 100 batches or more, small steps run until no method has
    /// been compiled for a fifth of a second (or <see cref="MaxSettleTime"/> has passed), so that happens here, before
    /// the epoch's clock starts. The first training call takes about as long as before; its epoch is no longer slowed.
    /// </summary>
    private static void SettleJit(TrainingStep step, int batch, Stopwatch clock)
    {
        var started = clock.Elapsed;
        var deadline = started + MaxSettleTime;
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed < deadline && clock.Elapsed - quietSince < SettledAfter)
        {
            using (var index = arange(batch)) step.Run(index);
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled) (compiled, quietSince) = (now, clock.Elapsed);
        }
        SettleSeconds = (clock.Elapsed - started).TotalSeconds;
    }

    /// <summary>Seconds this process's JIT settling took (part of that warm-up's seconds); null before it ran.</summary>
    public static double? SettleSeconds { get; private set; }

    /// <summary>Forgets the warm-ups done (for tests).</summary>
    internal static void Reset()
    {
        Done.Clear();
        LastSeconds = null;
        SettleSeconds = null;
        _jitSettled = 0;
    }
}
