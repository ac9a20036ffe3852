using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>
/// Dropout that draws its mask from the model's own generator, so two models trained at once in one process
/// stay deterministic (libtorch's built-in dropout uses the process-wide generator).
/// </summary>
internal sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _rate;
    private readonly Generator _generator;

    public SeededDropout(string name, double rate, Generator generator) : base(name)
    {
        _rate = rate;
        _generator = generator;
    }

    public double Rate => _rate;

    public override Tensor forward(Tensor input)
    {
        if (!training || _rate <= 0) return input.alias();
        using var scope = NewDisposeScope();
        var keep = torch.rand(input.shape, dtype: input.dtype, device: input.device, generator: _generator).ge_(_rate);
        return input.mul(keep).mul_(1.0 / (1.0 - _rate)).MoveToOuterDisposeScope();
    }
}
