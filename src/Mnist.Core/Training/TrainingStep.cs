using Mnist.Core.FastPaths;
using Mnist.Core.Modeling;

using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Training;

/// <summary>
/// One optimisation step on one mini-batch, cut by index from the split's preloaded tensors, and the epoch's running
/// loss and accuracy, read once per epoch. A method of its own (not a loop body inside Fit, which runs once per
/// training) so the JIT compiles it fully after its first calls. A dense network takes its gradients from
/// <see cref="DenseNetworkStep"/> (products in libtorch, the rest in C#, no autograd graph); every other network
/// goes through its modules and autograd, its running sums kept on tensors.
/// </summary>
internal sealed class TrainingStep : IDisposable
{
    private readonly MnistModel _model;
    private readonly Tensor _features, _targets, _labels;
    private readonly BatchAugmenter? _augmenter;
    private readonly TrainingPrecision _precision;
    private readonly Tensor _lossSum = zeros(1, ScalarType.Float64);
    private readonly Tensor _correct = zeros(1, ScalarType.Int64);
    private readonly DenseNetworkStep? _dense;
    private double _denseLossSum;
    private long _denseCorrect;

    public TrainingStep(MnistModel model, MnistSplitTensors data, BatchAugmenter? augmenter, TrainingPrecision precision)
    {
        _model = model;
        (_features, _targets, _labels) = data;
        _augmenter = augmenter;
        _precision = precision;
        _dense = DenseNetworkStep.For(model.Network, precision);
    }

    /// <summary>Whether the steps take their gradients from a <see cref="DenseNetworkStep"/> rather than autograd.</summary>
    public bool UsesDenseNetworkStep => _dense is not null;

    /// <summary>Images stepped on since the last <see cref="Reset"/>.</summary>
    public long Seen { get; private set; }

    public double MeanLoss => Seen == 0 ? 0 : (_lossSum.item<double>() + _denseLossSum) / Seen;
    public double Accuracy => Seen == 0 ? 0 : (double)(_correct.item<long>() + _denseCorrect) / Seen;

    public void Reset()
    {
        _lossSum.zero_();
        _correct.zero_();
        (_denseLossSum, _denseCorrect) = (0, 0);
        Seen = 0;
    }

    /// <summary>Forward, loss, backward and the optimizer's step on the images at <paramref name="index"/>.</summary>
    public void Run(Tensor index)
    {
        using var scope = NewDisposeScope();
        var x = _features.index_select(0, index);
        if (_augmenter is not null) x = _augmenter.Apply(x);
        if (_dense is not null) StepDense(_dense, x, index);
        else StepThroughAutograd(x, index);
        Seen += index.shape[0];
    }

    private void StepDense(DenseNetworkStep dense, Tensor x, Tensor index)
    {
        var (lossSum, correct) = dense.ComputeGradients(x, _targets.index_select(0, index), _labels.index_select(0, index));
        _model.OptimizerInstance.step();
        (_denseLossSum, _denseCorrect) = (_denseLossSum + lossSum, _denseCorrect + correct);
    }

    private void StepThroughAutograd(Tensor x, Tensor index)
    {
        var logits = _precision == TrainingPrecision.BFloat16
            ? BFloat16Forward.Forward(_model.Network, x)
            : _model.Network.forward(x);
        var loss = nn.functional.cross_entropy(logits, _targets.index_select(0, index));
        var optimizer = _model.OptimizerInstance;
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        using (no_grad())
        {
            // Scalars held through the calls that read them (HeldScalars says why).
            using (var count = index.shape[0].ToScalar())
                _lossSum.add_(loss.detach().to_type(ScalarType.Float64), alpha: count);
            _correct.add_(logits.argmax(1).eq_(_labels.index_select(0, index)).sum(), HeldScalars.One);
        }
    }

    public void Dispose()
    {
        _lossSum.Dispose();
        _correct.Dispose();
    }
}

/// <summary>A split's tensors a training step reads: features, class targets, labels.</summary>
internal readonly record struct MnistSplitTensors(Tensor Features, Tensor Targets, Tensor Labels);
