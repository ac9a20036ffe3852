using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>Evaluation mode without gradients for as long as it lives; the network's training mode comes back after.</summary>
internal sealed class InferenceMode : IDisposable
{
    private readonly nn.Module _network;
    private readonly bool _wasTraining;
    private readonly IDisposable _noGrad;

    public InferenceMode(nn.Module network)
    {
        _network = network;
        _wasTraining = network.training;
        // eval() walks every submodule through native calls: a model at rest is already in eval mode, skip it.
        if (_wasTraining) network.eval();
        _noGrad = no_grad();
    }

    public void Dispose()
    {
        _noGrad.Dispose();
        if (_wasTraining) _network.train();
    }
}
