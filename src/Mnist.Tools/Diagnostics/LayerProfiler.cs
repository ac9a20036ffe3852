using Mnist.Core.FastPaths;
using System.Diagnostics;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Diagnostics;

/// <summary>
/// One layer's share of a training step: its forward pass, and its backward pass (from the gradient of its output to
/// the gradient of the layer before's output; the first layer's runs to the end of the backward pass).
/// </summary>
public sealed record LayerTiming(string Layer, string Module, double ForwardMilliseconds, double BackwardMilliseconds);

/// <summary>Where a training step's time goes, layer by layer, measured in place (in the training loop's conditions).</summary>
public static class LayerProfiler
{
    /// <summary>
    /// Runs forward and backward passes of the model's training step over batches of the split and returns the
    /// mean time per batch of every layer, after <paramref name="warmup"/> untimed batches. No optimizer step is
    /// taken, and the model's random generator, gradients and mode are put back, so the model is as before.
    /// </summary>
    public static IReadOnlyList<LayerTiming> Measure(MnistModel model, MnistSplit split, int batchSize, int batches, int warmup = 5,
        int? threads = null)
    {
        if (batchSize < 1 || batches < 1 || warmup < 0 || batchSize > split.Count)
            throw new MnistException("InvalidTrainingOption", MnistErrorKind.InvalidArgument,
                $"A profile needs 1 to {split.Count} images per batch and at least one batch; got {batchSize} and {batches}.", batchSize);
        using var _ = TorchThreads.Use(threads);
        Runtime.NativeAllocator.KeepFreedMemoryForReuse(); // as a training has it
        var layers = NetworkLayers.Of(model);
        var forward = new double[layers.Count];
        var backward = new double[layers.Count];
        using var generatorState = model.Generator.get_state();
        bool wasTraining = model.Network.training;
        try
        {
            model.Network.train();
            using var order = randperm(split.Count, generator: model.Generator);
            var clock = new Stopwatch();
            for (int b = 0; b < warmup + batches; b++)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, (long)b * batchSize % (split.Count - batchSize + 1), batchSize);
                var x = split.Features.index_select(0, index);
                var stamps = new double[layers.Count];
                for (int i = 0; i < layers.Count; i++)
                {
                    clock.Restart();
                    x = ((nn.Module<Tensor, Tensor>)layers[i].Module).forward(x);
                    clock.Stop();
                    if (b >= warmup) forward[i] += clock.Elapsed.TotalMilliseconds;
                    if (x.requires_grad) x = TimingProbe.apply(x, stamps, i);
                }
                var loss = nn.functional.cross_entropy(x, split.TargetTensor.index_select(0, index));
                loss.backward();
                if (b >= warmup) AddBackward(backward, stamps, Clock.Elapsed.TotalMilliseconds);
                foreach (var parameter in model.Network.parameters()) parameter.grad = null;
            }
        }
        finally
        {
            model.Generator.set_state(generatorState);
            if (!wasTraining) model.Network.eval();
        }
        return layers.Select((layer, i) => new LayerTiming(layer.Name, layer.Module.GetType().Name, forward[i] / batches, backward[i] / batches))
            .ToList();
    }

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    // stamps[i]: when layer i's output got its gradient, on Clock (0 when it has no probe). A layer's backward runs
    // from its own stamp to the next stamped layer's below it; the lowest's runs to the end.
    private static void AddBackward(double[] backward, double[] stamps, double end)
    {
        int? above = null;
        for (int i = stamps.Length - 1; i >= 0; i--)
        {
            if (stamps[i] == 0) continue;
            if (above is int upper) backward[upper] += stamps[i] - stamps[upper];
            above = i;
        }
        if (above is int lowest) backward[lowest] += end - stamps[lowest];
    }

    /// <summary>The identity, whose backward notes when the gradient reached it.</summary>
    private sealed class TimingProbe : autograd.SingleTensorFunction<TimingProbe>
    {
        public override string Name => "TimingProbe";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("stamps", vars[1]);
            ctx.save_data("layer", vars[2]);
            return ((Tensor)vars[0]).alias();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            var stamps = (double[])ctx.get_data("stamps");
            stamps[(int)ctx.get_data("layer")] = Clock.Elapsed.TotalMilliseconds;
            return new List<Tensor> { gradient, null!, null! };
        }
    }
}
