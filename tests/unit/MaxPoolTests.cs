using Mnist.Core.FastPaths;
using Mnist.Core.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

public class MaxPoolTests
{
    public static TheoryData<long[], bool> Shapes() => new()
    {
        { new long[] { 3, 2, 6, 8 }, false },
        { new long[] { 3, 2, 6, 8 }, true },
        { new long[] { 2, 3, 7, 9 }, false },   // odd edges are dropped, as PyTorch's floor mode does
        { new long[] { 2, 3, 7, 9 }, true },
        { new long[] { 4, 5, 24, 24 }, true },  // FastCnn's first map
        { new long[] { 2, 2, 10, 10 }, true },  // and its second
        { new long[] { 1, 1, 2, 2 }, false },
        { new long[] { 2, 1, 5, 3 }, true },
    };

    private static (Tensor Output, Tensor InputGradient) Run(Func<Tensor, Tensor> pool, Tensor input, Tensor outputGradient)
    {
        var x = input.clone().requires_grad_();
        var output = pool(x);
        output.backward(new List<Tensor> { outputGradient });
        return (output.detach(), x.grad!);
    }

    private static Tensor Libtorch(Tensor x, bool relu)
    {
        var pooled = nn.functional.max_pool2d(x, new long[] { 2, 2 });
        return relu ? nn.functional.relu(pooled) : pooled;
    }

    private static void AssertBitwiseEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var (e, a) = (expected.data<float>().ToArray(), actual.data<float>().ToArray());
        for (int i = 0; i < e.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]), $"{what} differs at {i}: {e[i]} vs {a[i]}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gives_libtorchs_outputs_and_gradients_bit_for_bit_ties_included(long[] shape, bool relu)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        // Small integers: most windows hold ties, where the first maximum in row-major order must win.
        var input = torch.randint(-3, 4, shape, generator: generator).to_type(ScalarType.Float32);
        var gradient = torch.randn(new[] { shape[0], shape[1], shape[2] / 2, shape[3] / 2 }, generator: generator);
        var (expectedOut, expectedGrad) = Run(x => Libtorch(x, relu), input, gradient);
        var (actualOut, actualGrad) = Run(x => new MaxPool2x2(relu).forward(x), input, gradient);
        AssertBitwiseEqual(expectedOut, actualOut, "output");
        AssertBitwiseEqual(expectedGrad, actualGrad, "input gradient");
    }

    [Fact]
    public void Lets_a_NaN_win_its_window_as_libtorch_does()
    {
        using var scope = NewDisposeScope();
        var input = torch.tensor(new[] { 1f, float.NaN, 3f, 2f, 5f, 4f, float.NaN, float.NaN }, new long[] { 1, 1, 2, 4 });
        var gradient = torch.tensor(new[] { 10f, 20f }, new long[] { 1, 1, 1, 2 });
        foreach (bool relu in new[] { false, true })
        {
            var (expectedOut, expectedGrad) = Run(x => Libtorch(x, relu), input, gradient);
            var (actualOut, actualGrad) = Run(x => new MaxPool2x2(relu).forward(x), input, gradient);
            Assert.True(float.IsNaN(actualOut.data<float>()[0]) && float.IsNaN(actualOut.data<float>()[1]));
            AssertBitwiseEqual(expectedGrad, actualGrad, "input gradient");
        }
    }

    [Fact]
    public void Evaluates_without_a_graph_to_the_same_values()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var input = torch.randn(new long[] { 8, 24, 24, 24 }, generator: generator);
        using var _ = no_grad();
        AssertBitwiseEqual(Libtorch(input, relu: true), new MaxPool2x2(withRelu: true).forward(input), "output");
        AssertBitwiseEqual(Libtorch(input, relu: false), new MaxPool2x2().forward(input), "output");
    }

    [Fact]
    public void Leaves_what_its_kernel_does_not_cover_to_libtorch()
    {
        using var scope = NewDisposeScope();
        var doubles = torch.randn(new long[] { 2, 3, 6, 6 }, ScalarType.Float64);
        var pooled = new MaxPool2x2(withRelu: true).forward(doubles);
        Assert.Equal(ScalarType.Float64, pooled.dtype);
        Assert.True(pooled.equal(Libtorch(doubles, relu: true)).all().item<bool>());
        var strided = torch.randn(new long[] { 2, 3, 8, 8 }).transpose(2, 3);
        Assert.True(new MaxPool2x2().forward(strided).equal(Libtorch(strided, relu: false)).all().item<bool>());
    }

    [Fact]
    public void Refuses_buffers_that_do_not_fit_the_planes()
    {
        var input = new float[2 * 6 * 6];
        Assert.Throws<ArgumentException>(() => MaxPool2x2Kernel.Forward(input, new float[17], new byte[18], 2, 6, 6, relu: false));
        Assert.Throws<ArgumentException>(() => MaxPool2x2Kernel.Forward(input, new float[18], new byte[18], 3, 6, 6, relu: false));
        Assert.Throws<ArgumentException>(() => MaxPool2x2Kernel.Backward(new float[18], new byte[17], input, 2, 6, 6));
        Assert.Throws<ArgumentException>(() => MaxPool2x2Kernel.Forward(new float[2], new float[0], new byte[0], 2, 1, 1, relu: false));
    }

    [Theory]
    [InlineData(Architecture.FastCnn)]
    [InlineData(Architecture.Cnn)]
    public void The_CNNs_pool_with_it(Architecture architecture)
    {
        var model = new MnistModel(ModelSpec.DefaultFor(architecture));
        // FastCnn's pooling runs inside its PooledConv2d nodes, whose kernel is this one.
        Assert.Contains(model.Network.modules(), m => m is MaxPool2x2 or PooledConv2d);
        Assert.DoesNotContain(model.Network.modules(), m => m is TorchSharp.Modules.MaxPool2d);
    }

    [Fact]
    public void The_Keras_CNN_pools_with_its_second_convolutions_ReLU_and_computes_what_conv_ReLU_pool_computes()
    {
        using var scope = NewDisposeScope();
        var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { Dropout = new[] { 0.0, 0.0 }, Seed = 4 });
        var leaves = Leaves(model.Network);
        Assert.Contains(leaves, m => m is DeferredRelu { AlsoInEvaluation: true });
        Assert.Contains(leaves, m => m is MaxPool2x2 { WithRelu: true });
        // The same layers the plain way: ReLU after the convolution, then libtorch's pooling.
        var plain = nn.Sequential(leaves.Select((m, i) => ($"l{i}", m switch
        {
            DeferredRelu => nn.ReLU(),
            MaxPool2x2 => nn.MaxPool2d(2),
            _ => m,
        })).ToArray());
        using var generator = new Generator(11);
        var images = torch.rand(new long[] { 16, 784 }, generator: generator);
        var labels = torch.randint(0, 10, new long[] { 16 }, generator: generator);

        model.Network.eval();
        plain.eval();
        using (no_grad()) AssertBitwiseEqual(plain.forward(images), model.Network.forward(images), "evaluation logits");

        model.Network.train();
        plain.train();
        var gradients = new List<Tensor[]>();
        foreach (var network in new nn.Module<Tensor, Tensor>[] { plain, model.Network })
        {
            network.zero_grad();
            nn.functional.cross_entropy(network.forward(images), labels).backward();
            gradients.Add(leaves.SelectMany(m => m.parameters()).Select(p => p.grad!.clone()).ToArray());
        }
        for (int i = 0; i < gradients[0].Length; i++) AssertBitwiseEqual(gradients[0][i], gradients[1][i], $"gradient {i}");
    }

    private static List<nn.Module<Tensor, Tensor>> Leaves(nn.Module module)
    {
        var children = module.named_children().Select(c => c.module).ToList();
        return children.Count == 0
            ? new List<nn.Module<Tensor, Tensor>> { (nn.Module<Tensor, Tensor>)module }
            : children.SelectMany(Leaves).ToList();
    }

    [Theory]
    [InlineData(1, 5, 28)]   // FastCnn's first layer
    [InlineData(1, 3, 11)]   // an odd convolution output: the pooling drops its last row and column
    [InlineData(2, 3, 10)]   // more than one input channel
    public void The_pooled_convolution_matches_convolution_pooling_and_ReLU_within_float_rounding(int channels, int kernel, int size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var layer = new PooledConv2d(channels, 6, kernel);
        using (no_grad())
        {
            layer.Weight.copy_(torch.randn(layer.Weight.shape, generator: generator).mul_(0.3));
            layer.Bias.copy_(torch.randn(layer.Bias.shape, generator: generator).mul_(0.1));
        }
        var images = torch.rand(new long[] { 7, channels, size, size }, generator: generator);
        var weight = layer.Weight.detach().clone().requires_grad_();
        var bias = layer.Bias.detach().clone().requires_grad_();

        var expected = nn.functional.relu(nn.functional.max_pool2d(nn.functional.conv2d(images, weight, bias), new long[] { 2, 2 }));
        var actual = layer.forward(images);
        AssertBitwiseEqual(expected.detach(), actual.detach(), "output");

        var outputGradient = torch.randn(expected.shape, generator: generator);
        expected.backward(new List<Tensor> { outputGradient });
        actual.backward(new List<Tensor> { outputGradient });
        foreach (var (name, want, got) in new[] { ("weight", weight.grad!, layer.Weight.grad!), ("bias", bias.grad!, layer.Bias.grad!) })
        {
            double largest = want.abs().max().item<float>(), difference = (want - got).abs().max().item<float>();
            Assert.True(largest > 0, $"the {name} gradient is all zeros");
            Assert.True(difference <= 1e-5 * largest, $"the {name} gradient differs by {difference} (largest {largest})");
        }
        using (no_grad()) AssertBitwiseEqual(expected.detach(), layer.forward(images), "output without a graph");
    }

    [Theory]
    [InlineData(1, 3, 10, 1)]
    [InlineData(24, 3, 12, 1)]  // FastCnn's second convolution
    [InlineData(24, 3, 12, 2)]
    [InlineData(5, 5, 13, 3)]   // an odd convolution output, a run of 25 floats (vector and scalar tails)
    public void The_pooled_convolution_gives_its_input_gradient_within_float_rounding_of_libtorchs_layers(int channels, int kernel, int size, int threads)
    {
        using var scope = NewDisposeScope();
        using var _ = TorchThreads.Use(threads);
        using var generator = new Generator(9);
        var layer = new PooledConv2d(channels, 8, kernel);
        using (no_grad())
        {
            layer.Weight.copy_(torch.randn(layer.Weight.shape, generator: generator).mul_(0.3));
            layer.Bias.copy_(torch.randn(layer.Bias.shape, generator: generator).mul_(0.1));
        }
        var images = torch.randn(new long[] { 7, channels, size, size }, generator: generator);
        var (a, b) = (images.clone().requires_grad_(), images.clone().requires_grad_());
        var weight = layer.Weight.detach().clone().requires_grad_();
        var bias = layer.Bias.detach().clone().requires_grad_();
        var expected = nn.functional.relu(nn.functional.max_pool2d(nn.functional.conv2d(a, weight, bias), new long[] { 2, 2 }));
        var actual = layer.forward(b);
        AssertBitwiseEqual(expected.detach(), actual.detach(), "output");
        var gradient = torch.randn(expected.shape, generator: generator);
        expected.backward(new List<Tensor> { gradient });
        actual.backward(new List<Tensor> { gradient });
        foreach (var (name, want, got) in new[] { ("input", a.grad!, b.grad!), ("weight", weight.grad!, layer.Weight.grad!), ("bias", bias.grad!, layer.Bias.grad!) })
        {
            double largest = want.abs().max().item<float>(), difference = (want - got).abs().max().item<float>();
            Assert.True(largest > 0, $"the {name} gradient is all zeros");
            Assert.True(difference <= 1e-5 * largest, $"the {name} gradient differs by {difference} (largest {largest})");
        }
    }

    [Fact]
    public void The_pooled_convolutions_gradients_repeat_bitwise_at_the_same_thread_count()
    {
        using var scope = NewDisposeScope();
        using var _ = TorchThreads.Use(2);
        using var generator = new Generator(4);
        var layer = new PooledConv2d(24, 32, 3);
        using (no_grad()) layer.Weight.copy_(torch.randn(layer.Weight.shape, generator: generator).mul_(0.1));
        var images = torch.randn(new long[] { 64, 24, 12, 12 }, generator: generator);
        var gradient = torch.randn(new long[] { 64, 32, 5, 5 }, generator: generator);
        var runs = new List<Tensor[]>();
        for (int run = 0; run < 2; run++)
        {
            var input = images.clone().requires_grad_();
            layer.zero_grad();
            layer.forward(input).backward(new List<Tensor> { gradient });
            runs.Add(new[] { input.grad!.clone(), layer.Weight.grad!.clone(), layer.Bias.grad!.clone() });
        }
        for (int i = 0; i < 3; i++) AssertBitwiseEqual(runs[0][i], runs[1][i], $"gradient {i}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FastCnns_step_gives_the_plain_modules_loss_and_gradients_within_float_rounding(int threads)
    {
        using var scope = NewDisposeScope();
        using var _ = TorchThreads.Use(threads);
        var description = ModelSpec.DefaultFor(Architecture.FastCnn).Describe();
        var (fast, _) = NetworkBuilder.Build(description, new Generator(6));
        var (plain, _) = NetworkBuilder.Build(description, new Generator(6), fastPaths: false);
        var data = TestData.Mnist.Take(256, 0).Train;
        var (images, labels) = (data.Features.narrow(0, 0, 256), data.LabelTensor.narrow(0, 0, 256));
        var losses = new List<float>();
        var gradients = new List<Dictionary<string, Tensor>>();
        foreach (var network in new[] { plain, fast })
        {
            network.train();
            var loss = nn.functional.cross_entropy(network.forward(images), labels);
            loss.backward();
            losses.Add(loss.item<float>());
            gradients.Add(network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
        Assert.Equal(losses[0], losses[1], 5);
        Assert.Equal(gradients[0].Keys.Order(), gradients[1].Keys.Order());
        foreach (var (name, want) in gradients[0])
        {
            var got = gradients[1][name];
            double largest = want.abs().max().item<float>(), difference = (want - got).abs().max().item<float>();
            Assert.True(largest > 0, $"the {name} gradient is all zeros");
            Assert.True(difference <= 1e-5 * largest, $"{name}: the gradients differ by {difference} (largest {largest})");
        }
    }

    [Fact]
    public void FastCnn_convolves_pools_and_rectifies_in_one_node_per_convolution_and_shows_the_layers_as_before()
    {
        var model = new MnistModel(ModelSpec.DefaultFor(Architecture.FastCnn));
        var leaves = Leaves(model.Network);
        Assert.IsType<PooledConv2d>(leaves[2]);
        Assert.IsType<AppliedMaxPool2x2>(leaves[3]);
        Assert.IsType<AppliedRelu>(leaves[4]);
        Assert.IsType<PooledConv2d>(leaves[5]);
        Assert.IsType<AppliedMaxPool2x2>(leaves[6]);
        Assert.IsType<AppliedRelu>(leaves[7]);
        Assert.Equal(new[] { "conv2d.bias", "conv2d.weight" }, model.Network.state_dict().Keys.Where(k => k.StartsWith("conv2d.")).Order());
    }
}
