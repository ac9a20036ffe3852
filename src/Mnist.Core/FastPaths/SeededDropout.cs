using TorchSharp;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// Dropout that takes its randomness from the model's own generator, so two models trained at once in one process
/// stay deterministic (libtorch's built-in dropout uses the process-wide generator). Each call draws one 62-bit key
/// from that generator and fills the mask from it with <see cref="DropoutMask"/>: one SIMD pass instead of
/// libtorch's serial random numbers and three elementwise passes.
/// </summary>
internal sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _rate;
    private readonly Generator _generator;
    private readonly bool _afterDeferredRelu;

    /// <param name="afterDeferredRelu">
    /// The layer before is a <see cref="DeferredRelu"/>: in training this dropout gets ReLU's input and applies ReLU
    /// through its mask (see <see cref="DropoutMask.FillAfterRelu"/>).
    /// </param>
    public SeededDropout(string name, double rate, Generator generator, bool afterDeferredRelu = false) : base(name)
    {
        _rate = rate;
        _generator = generator;
        _afterDeferredRelu = afterDeferredRelu;
    }

    public double Rate => _rate;

    /// <summary>Whether the layer before is a <see cref="DeferredRelu"/> whose ReLU this dropout applies in training.</summary>
    public bool AfterDeferredRelu => _afterDeferredRelu;

    public override Tensor forward(Tensor input)
    {
        if (!training || _rate <= 0) return _afterDeferredRelu && training ? nn.functional.relu(input) : input.alias();
        if (input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU || !input.is_contiguous())
            return Fallback(_afterDeferredRelu ? nn.functional.relu(input) : input);
        using var mask = torch.empty(input.shape, ScalarType.Float32);
        var values = mask.Floats();
        if (_afterDeferredRelu) DropoutMask.FillAfterRelu(values, input.Floats(), NextKey(), _rate);
        else DropoutMask.Fill(values, NextKey(), _rate);
        return input.mul(mask);
    }

    /// <summary>The key of the next training mask, drawn from the model's generator (one draw per forward pass).</summary>
    internal ulong NextKey()
    {
        using var draws = torch.randint(0, 1L << 31, new long[] { 2 }, ScalarType.Int64, generator: _generator);
        var halves = draws.data<long>();
        return (ulong)halves[0] | ((ulong)halves[1] << 31);
    }

    private Tensor Fallback(Tensor input)
    {
        using var scope = NewDisposeScope();
        var keep = torch.rand(input.shape, dtype: input.dtype, device: input.device, generator: _generator).ge_(_rate);
        return input.mul(keep).mul_(1.0 / (1.0 - _rate)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// ReLU that leaves its work to the module right after it: in training to the <see cref="SeededDropout"/> after it
/// (which folds it into its mask), or always to the <see cref="MaxPool2x2"/> after it (which pools and applies it
/// in one pass: max and ReLU commute). Otherwise, in evaluation, it is a plain ReLU. It keeps the layer's module
/// layout, so weight files stay the same, and exports as a ReLU.
/// </summary>
internal sealed class DeferredRelu : nn.Module<Tensor, Tensor>
{
    public DeferredRelu(bool alsoInEvaluation = false) : base("relu") => AlsoInEvaluation = alsoInEvaluation;

    /// <summary>Whether the next module applies the ReLU in evaluation as well (a pooling with ReLU).</summary>
    public bool AlsoInEvaluation { get; }

    public override Tensor forward(Tensor input) => training || AlsoInEvaluation ? input.alias() : nn.functional.relu(input);
}
