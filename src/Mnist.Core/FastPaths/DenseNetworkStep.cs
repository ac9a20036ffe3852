using System.Runtime.InteropServices;
using Mnist.Core.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using Mnist.Core.Training;
using static TorchSharp.torch;

namespace Mnist.Core.FastPaths;

/// <summary>
/// The gradients of a dense network's training step (dense layers with ReLU, each optionally followed by dropout,
/// then a dense output layer, under softmax cross-entropy), derived by hand instead of through autograd: libtorch
/// computes the matrix products, and each layer's ReLU and dropout, the loss, its softmax gradient, the bias
/// gradients and the accuracy are one C# pass each (<see cref="DenseNetworkKernels"/>). The notebook's MLP makes
/// about forty small libtorch calls and autograd nodes per batch the generic way, about a fifth of its epoch; this
/// makes a dozen. Dropout draws its key from the model's generator exactly as <see cref="SeededDropout"/> does,
/// so the masks, and with them the training, are the module path's (within float rounding of the sums). With
/// <see cref="TrainingPrecision.BFloat16"/> the products take bfloat16 operands and return float32, as
/// <see cref="BFloat16Forward"/> and autograd do them; everything else stays float32.
/// </summary>
internal sealed class DenseNetworkStep
{
    private readonly IReadOnlyList<(Linear Linear, SeededDropout? Dropout)> _hidden;
    private readonly Linear _output;
    private readonly bool _bfloat16;

    private DenseNetworkStep(IReadOnlyList<(Linear, SeededDropout?)> hidden, Linear output, bool bfloat16) =>
        (_hidden, _output, _bfloat16) = (hidden, output, bfloat16);

    /// <summary>
    /// The step for a network of exactly that form whose parameters are all trained float32 CPU tensors, or null:
    /// anything else (convolutions, other activations, frozen layers) trains through autograd.
    /// </summary>
    public static DenseNetworkStep? For(nn.Module network, TrainingPrecision precision = TrainingPrecision.Float32)
    {
        if (network is not Sequential sequential) return null;
        var layers = sequential.children().ToList();
        if (layers.Count == 0 || layers[^1] is not Linear output) return null;
        var hidden = new List<(Linear, SeededDropout?)>();
        for (int i = 0; i < layers.Count - 1; i++)
        {
            if (layers[i] is not Sequential dense || dense.children().ToList() is not [Linear linear, var activation]) return null;
            SeededDropout? dropout = null;
            if (activation is DeferredRelu { AlsoInEvaluation: false })
            {
                if (i + 1 >= layers.Count - 1 || layers[i + 1] is not SeededDropout { AfterDeferredRelu: true } next) return null;
                dropout = next;
                i++;
            }
            else if (activation is not ReLU) return null;
            hidden.Add((linear, dropout));
        }
        var all = hidden.Select(h => h.Item1).Append(output).ToList();
        bool fits = all.All(l => l.bias is not null && new[] { l.weight!, l.bias! }.All(p =>
            p.requires_grad && p.dtype == ScalarType.Float32 && p.device_type == DeviceType.CPU && p.is_contiguous()));
        return fits ? new DenseNetworkStep(hidden, output, precision == TrainingPrecision.BFloat16) : null;
    }

    /// <summary>
    /// Sets every parameter's gradient to that of the batch's mean cross-entropy (replacing any gradient there) and
    /// returns the batch's summed loss and its count of correct predictions. <paramref name="targets"/> are class
    /// probabilities (float32, one row per image) or, as int64, the labels themselves.
    /// </summary>
    public (double LossSum, long Correct) ComputeGradients(Tensor input, Tensor targets, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int rows = (int)input.shape[0];
        var activations = new List<Tensor> { input.contiguous() };
        foreach (var (linear, dropout) in _hidden)
        {
            var output = Dense(activations[^1], linear);
            if (dropout is not null) DropoutMask.ApplyAfterRelu(output.Floats(), dropout.NextKey(), dropout.Rate);
            else output.relu_();
            activations.Add(output);
        }
        var logits = Dense(activations[^1], _output);
        int classes = (int)logits.shape[1];
        var gradient = torch.empty(rows, classes, ScalarType.Float32);
        var outputBiasGradient = torch.zeros(classes, ScalarType.Float32);
        using var labelValues = labels.to_type(ScalarType.Int64).contiguous();
        using var targetValues = targets.dtype == ScalarType.Int64 ? null : targets.to_type(ScalarType.Float32).contiguous();
        var result = DenseNetworkKernels.SoftmaxCrossEntropy(logits.Floats(), targetValues is null ? default : targetValues.Floats(),
            MemoryMarshal.Cast<byte, long>(labelValues.bytes), gradient.Floats(), outputBiasGradient.Floats(), rows, classes);

        SetGradients(_output, Product(gradient.t(), activations[^1]), outputBiasGradient);
        var weight = _output.weight!;
        for (int i = _hidden.Count - 1; i >= 0; i--)
        {
            var (linear, dropout) = _hidden[i];
            gradient = Product(gradient, weight);
            var biasGradient = torch.zeros(linear.bias!.shape[0], ScalarType.Float32);
            float scale = dropout is null ? 1f : (float)(1.0 / (1.0 - dropout.Rate));
            DenseNetworkKernels.ReluDropoutBackward(gradient.Floats(), activations[i + 1].Floats(), scale, biasGradient.Floats(), rows, (int)gradient.shape[1]);
            SetGradients(linear, Product(gradient.t(), activations[i]), biasGradient);
            weight = linear.weight!;
        }
        return result;
    }

    private Tensor Dense(Tensor input, Linear layer) =>
        _bfloat16 ? BFloat16Forward.Dense(input, layer) : nn.functional.linear(input, layer.weight!, layer.bias!);

    private Tensor Product(Tensor left, Tensor right) => _bfloat16 ? BFloat16Forward.Product(left, right) : left.mm(right);

    private static void SetGradients(Linear linear, Tensor weightGradient, Tensor biasGradient)
    {
        linear.weight!.grad = weightGradient;
        linear.bias!.grad = biasGradient;
    }
}
