using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>
/// A copy of everything a training step changes: weights and buffers, the optimizer's state, the random
/// generator's state and the length of History. A training takes one before each epoch and puts it back when the
/// epoch does not finish, so a stopped training leaves the model exactly as after its last completed epoch.
/// </summary>
internal sealed class TrainingSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _weights = new();
    private byte[]? _optimizerState;
    private byte[] _generatorState = Array.Empty<byte>();

    public int HistoryCount { get; private init; }

    public static TrainingSnapshot Capture(MnistModel model)
    {
        var snapshot = new TrainingSnapshot { HistoryCount = model.EpochsTrained };
        using (no_grad())
        {
            foreach (var (name, tensor) in model.State)
            {
                var copy = tensor.detach().clone();
                copy.DetachFromDisposeScope();
                snapshot._weights[name] = copy;
            }
        }
        using (var buffer = new MemoryStream())
        {
            model.WriteOptimizerState(buffer);
            snapshot._optimizerState = buffer.ToArray();
        }
        snapshot._generatorState = model.GeneratorState;
        return snapshot;
    }

    /// <summary>Only the weights and buffers (what Keras' restore_best_weights puts back).</summary>
    public void RestoreWeightsInto(MnistModel model)
    {
        using (model.BeginNetworkChange())
        using (no_grad())
        {
            foreach (var (name, tensor) in model.State) tensor.copy_(_weights[name]);
        }
    }

    public void RestoreInto(MnistModel model)
    {
        using var change = model.BeginNetworkChange();
        RestoreWeightsInto(model);
        if (_optimizerState is not null) model.ReadOptimizerState(new MemoryStream(_optimizerState));
        model.RestoreGenerator(_generatorState);
    }

    public void Dispose()
    {
        foreach (var tensor in _weights.Values) tensor.Dispose();
        _weights.Clear();
    }
}
