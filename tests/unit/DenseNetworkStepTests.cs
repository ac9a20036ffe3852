using Mnist.Core.FastPaths;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

/// <summary>The hand-derived training step of dense networks against autograd through the modules.</summary>
public class DenseNetworkStepTests
{
    public static TheoryData<int[], double[], Activation, LabelEncoding> Networks => new()
    {
        { new[] { 512 }, new[] { 0.2 }, Activation.Relu, LabelEncoding.OneHot },   // the notebook's MLP
        { new[] { 512 }, new[] { 0.2 }, Activation.Relu, LabelEncoding.Index },
        { new[] { 64 }, new[] { 0.0 }, Activation.Relu, LabelEncoding.OneHot },     // plain ReLU, no dropout
        { new[] { 100, 37 }, new[] { 0.5, 0.1 }, Activation.Relu, LabelEncoding.Index },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Gives_autograds_loss_gradients_and_accuracy_within_float_rounding(int[] hidden, double[] dropout, Activation activation, LabelEncoding encoding)
    {
        var split = TestData.Mnist.Take(300, 10).Train.WithEncoding(encoding);
        var spec = new ModelSpec { Seed = 5, HiddenUnits = hidden, Dropout = dropout, Activation = activation };
        using var byHand = new MnistModel(spec);
        using var byAutograd = new MnistModel(spec);
        using var index = arange(40, 170);
        using var x = split.Features.index_select(0, index);
        using var targets = split.TargetTensor.index_select(0, index);
        using var labels = split.LabelTensor.index_select(0, index);
        byHand.Network.train();
        byAutograd.Network.train();

        var step = DenseNetworkStep.For(byHand.Network);
        Assert.NotNull(step);
        var (lossSum, correct) = step!.ComputeGradients(x, targets, labels);

        using var logits = byAutograd.Network.forward(x);
        using var loss = nn.functional.cross_entropy(logits, targets);
        loss.backward();
        Assert.Equal(loss.item<float>() * 130, lossSum, 3);
        using (var right = logits.argmax(1).eq(labels).sum()) Assert.Equal(right.item<long>(), correct);

        var expected = byAutograd.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in byHand.Network.named_parameters())
        {
            using var mine = parameter.grad;
            using var theirs = expected[name].grad;
            Assert.NotNull(mine);
            Assert.Equal(theirs!.shape, mine!.shape);
            using var difference = (mine - theirs).abs().max();
            using var size = theirs.abs().max();
            Assert.True(difference.item<float>() <= 1e-5f * Math.Max(1f, size.item<float>()),
                $"{name}: largest difference {difference.item<float>()} (largest gradient {size.item<float>()})");
            using var nonzero = theirs.count_nonzero();
            Assert.True(nonzero.item<long>() > 0, $"{name}: no gradient to compare");
        }
    }

    [Fact]
    public void Draws_the_dropout_masks_the_modules_would()
    {
        var split = TestData.Mnist.Take(200, 10).Train;
        using var byHand = new MnistModel(new ModelSpec { Seed = 9 });
        using var byModules = new MnistModel(new ModelSpec { Seed = 9 });
        using var x = split.Features.narrow(0, 0, 64);
        using var labels = split.LabelTensor.narrow(0, 0, 64);
        byHand.Network.train();
        byModules.Network.train();
        DenseNetworkStep.For(byHand.Network)!.ComputeGradients(x, labels, labels);
        using (var _ = byModules.Network.forward(x)) { }

        // Both drew one key for the one dropout layer: their generators are at the same place.
        using var next = randint(0, 1L << 31, new long[] { 4 }, ScalarType.Int64, generator: byHand.Generator);
        using var expected = randint(0, 1L << 31, new long[] { 4 }, ScalarType.Int64, generator: byModules.Generator);
        Assert.Equal(expected.data<long>().ToArray(), next.data<long>().ToArray());
    }

    [Theory]
    [InlineData(Architecture.Cnn, Activation.Relu, false)]
    [InlineData(Architecture.FastCnn, Activation.Relu, false)]
    [InlineData(Architecture.Mlp, Activation.Tanh, false)]
    [InlineData(Architecture.Mlp, Activation.Relu, true)]
    public void Takes_only_dense_relu_networks(Architecture architecture, Activation activation, bool takes)
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(architecture) with { Activation = activation });
        Assert.Equal(takes, DenseNetworkStep.For(model.Network) is not null);
    }

    [Fact]
    public void Leaves_frozen_layers_to_autograd()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var split = TestData.Mnist.Take(100, 10).Train;
        foreach (var precision in new[] { TrainingPrecision.Float32, TrainingPrecision.BFloat16 })
            using (var step = new TrainingStep(model, new MnistSplitTensors(split.Features, split.TargetTensor, split.LabelTensor), null, precision))
                Assert.True(step.UsesDenseNetworkStep);
        model.Network.parameters().First().requires_grad = false;
        Assert.Null(DenseNetworkStep.For(model.Network));
    }

    [Fact]
    public void In_bfloat16_gives_the_gradients_of_the_bfloat16_forward_within_its_rounding()
    {
        var split = TestData.Mnist.Take(300, 10).Train.WithEncoding(LabelEncoding.OneHot);
        using var byHand = new MnistModel(new ModelSpec { Seed = 6 });
        using var byAutograd = new MnistModel(new ModelSpec { Seed = 6 });
        using var x = split.Features.narrow(0, 0, 128);
        using var targets = split.TargetTensor.narrow(0, 0, 128);
        using var labels = split.LabelTensor.narrow(0, 0, 128);
        byHand.Network.train();
        byAutograd.Network.train();

        var (lossSum, _) = DenseNetworkStep.For(byHand.Network, TrainingPrecision.BFloat16)!.ComputeGradients(x, targets, labels);
        using var logits = BFloat16Forward.Forward(byAutograd.Network, x);
        using var loss = nn.functional.cross_entropy(logits, targets);
        loss.backward();

        Assert.Equal(loss.item<float>(), lossSum / 128, 4);
        var expected = byAutograd.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in byHand.Network.named_parameters())
        {
            using var mine = parameter.grad!;
            using var theirs = expected[name].grad!;
            // bfloat16 keeps 8 bits of mantissa: the two differ by its rounding of the sums (the bias sums here are float32).
            using var difference = (mine - theirs).norm();
            using var size = theirs.norm();
            Assert.True(difference.item<float>() <= 0.02f * size.item<float>(), $"{name}: |difference| {difference.item<float>()}, |gradient| {size.item<float>()}");
        }
        // And it is not float32: the products were rounded.
        using var float32 = new MnistModel(new ModelSpec { Seed = 6 });
        float32.Network.train();
        DenseNetworkStep.For(float32.Network)!.ComputeGradients(x, targets, labels);
        using var first = byHand.Network.parameters().First().grad!;
        using var exact = float32.Network.parameters().First().grad!;
        Assert.False(first.allclose(exact, rtol: 0, atol: 0));
    }

    [Fact]
    public void The_notebooks_training_through_it_learns_and_repeats_bit_for_bit()
    {
        var data = TestData.Mnist.Take(6_000, 1_000);
        EpochRecord Run()
        {
            using var model = new MnistModel(new ModelSpec { Seed = 21 });
            return Trainer.Fit(model, data, new TrainingOptions { Epochs = 2, ThreadCount = 2 })[^1];
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.ValLoss, b.ValLoss);
        Assert.True(a.ValAccuracy > 0.9, $"validation accuracy {a.ValAccuracy}");
    }
}
