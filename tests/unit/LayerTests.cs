using System.Collections;
using Mnist.Core.Modeling;
using Mnist.Core.Modeling.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

/// <summary>Networks described layer by layer in Keras' words: reading, shapes, counts, checks and the modules built.</summary>
public class LayerTests
{
    /// <summary>Every kind of layer and every activation, in a network that fits 28x28 images.</summary>
    public static readonly string[] EveryLayer =
    {
        "Normalization(mean=0.1307, std=0.3081)",
        "Conv2D(8, 3, padding=same, activation=relu)",
        "BatchNormalization",
        "MaxPooling2D(2)",
        "Conv2D(12, 3, strides=2, activation=tanh)",
        "AveragePooling2D(2)",
        "Activation(gelu)",
        "Flatten",
        "Dense(32, activation=sigmoid)",
        "BatchNormalization",
        "Dropout(0.2)",
        "Dense(16, activation=leaky_relu)",
        "Activation(elu)",
        "Dense(10, activation=softmax)",
    };

    private static NetworkDescription Describe(params string[] layers) => NetworkDescription.Parse(28, 28, 10, layers);

    private static MnistException Refused(params string[] layers) => Assert.Throws<MnistException>(() => Describe(layers));

    [Fact]
    public void The_notebook_network_written_as_layers_has_407050_parameters()
    {
        using var model = new MnistModel(new ModelSpec
        {
            Architecture = Architecture.Custom, Seed = 1,
            Layers = new[] { "Dense(512, activation=relu)", "Dropout(0.2)", "Dense(10, activation=softmax)" },
        });
        Assert.Equal(407_050, model.ParameterCount);
        Assert.Equal(407_050, model.Network.parameters().Sum(p => p.numel()));
        Assert.Contains("Total params: 407,050", model.Summary);
    }

    [Fact]
    public void Keras_simple_mnist_convnet_has_the_34826_parameters_its_summary_shows()
    {
        // keras.io/examples/vision/mnist_convnet: its model.summary().
        var network = Describe("Conv2D(32, kernel_size=(3, 3), activation=relu)", "MaxPooling2D(pool_size=(2, 2))",
            "Conv2D(64, kernel_size=(3, 3), activation=relu)", "MaxPooling2D(pool_size=(2, 2))", "Flatten()", "Dropout(0.5)",
            "Dense(10, activation=softmax)");
        Assert.Equal(34_826, network.Parameters);
        Assert.Equal(new long[] { 320, 0, 18_496, 0, 0, 0, 16_010 }, network.Layers.Select(l => l.Parameters));
        Assert.Equal(new[] { "(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)", "(None, 5, 5, 64)", "(None, 1600)", "(None, 1600)", "(None, 10)" },
            network.Layers.Select(l => l.Output.KerasText));
        Assert.Equal(new[] { "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense" }, network.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Kerass_mnist_cnn_and_mnist_mlp_examples_have_their_published_counts()
    {
        // keras/examples/mnist_cnn.py (Keras 2): Total params: 1,199,882; mnist_mlp.py: Total params: 669,706.
        Assert.Equal(1_199_882, Describe("Conv2D(32, 3, activation=relu)", "Conv2D(64, 3, activation=relu)", "MaxPooling2D(2)", "Dropout(0.25)",
            "Flatten", "Dense(128, activation=relu)", "Dropout(0.5)", "Dense(10, activation=softmax)").Parameters);
        Assert.Equal(669_706, Describe("Dense(512, activation=relu)", "Dropout(0.2)", "Dense(512, activation=relu)", "Dropout(0.2)",
            "Dense(10, activation=softmax)").Parameters);
    }

    [Fact]
    public void Batch_normalisation_counts_its_moving_statistics_as_non_trainable_as_keras_does()
    {
        var network = Describe("Conv2D(32, 3)", "BatchNormalization", "Flatten", "Dense(10)");
        Assert.Equal(128, network.Layers[1].Parameters);
        Assert.Equal(64, network.NonTrainableParameters);
        using var model = new MnistModel(new ModelSpec { Architecture = Architecture.Custom, Layers = new[] { "Conv2D(32, 3)", "BatchNormalization", "Flatten", "Dense(10)" } });
        Assert.Equal(model.TrainableParameterCount, model.Network.parameters().Sum(p => p.numel()));
        Assert.Equal(64, model.NonTrainableParameterCount);
    }

    [Fact]
    public void Same_padding_keeps_the_size_and_strides_divide_it_rounding_up()
    {
        var network = Describe("Conv2D(4, 3, padding=same)", "Conv2D(4, 3, strides=2, padding=same)", "Conv2D(4, 3, strides=2)", "Flatten", "Dense(10)");
        Assert.Equal(new[] { "(None, 28, 28, 4)", "(None, 14, 14, 4)", "(None, 6, 6, 4)" }, network.Layers.Take(3).Select(l => l.Output.KerasText));
        // TensorFlow's uneven padding: the odd row and column after.
        Assert.Equal((1, 1, 1, 1), network.Layers[0].Padding);
        Assert.Equal((0, 1, 0, 1), network.Layers[1].Padding);
    }

    [Theory]
    [InlineData("Conv2D(32, 3, activation=relu)", "Conv2D(32, 3, activation=relu)")]
    [InlineData("conv2d(filters=32, kernel_size=(3,3), activation='relu')", "Conv2D(32, 3, activation=relu)")]
    [InlineData("MaxPooling2D", "MaxPooling2D(2)")]
    [InlineData("MaxPool2D(pool_size=3, strides=1)", "MaxPooling2D(3, strides=1)")]
    [InlineData("Dense(10, 'softmax')", "Dense(10, activation=softmax)")]
    [InlineData("Dropout(rate=0.25)", "Dropout(0.25)")]
    [InlineData("Flatten()", "Flatten")]
    [InlineData("Activation(\"leaky_relu\")", "Activation(leaky_relu)")]
    [InlineData("BatchNormalization(momentum=0.9)", "BatchNormalization(momentum=0.9)")]
    [InlineData("Normalization(mean=0.5, variance=0.25)", "Normalization(mean=0.5, std=0.5)")]
    [InlineData("Conv2D(8, 5, kernel_initializer=torch_default)", "Conv2D(8, 5, kernel_initializer=torch_default)")]
    public void A_layer_reads_as_keras_writes_it_and_prints_back_the_same(string text, string canonical)
    {
        var layer = LayerParser.Parse(text, 1);
        Assert.Equal(canonical, layer.ToString());
        Assert.Equal(layer, LayerParser.Parse(layer.ToString(), 1));
    }

    [Fact]
    public void Named_values_read_as_the_text_does()
    {
        var fromValues = LayerParser.FromValues(new Hashtable { ["Type"] = "Dense", ["Units"] = 128, ["Activation"] = "relu" }, 1);
        Assert.Equal(LayerParser.Parse("Dense(128, activation=relu)", 1), fromValues);
        var conv = LayerParser.FromValues(new Hashtable { ["type"] = "Conv2D", ["filters"] = 16, ["kernel_size"] = new object[] { 3, 3 }, ["Padding"] = "same" }, 2);
        Assert.Equal("Conv2D(16, 3, padding=same)", conv.ToString());
    }

    [Theory]
    [InlineData("InvalidLayer", "Layer 2 'Convolution3D(8)'", "Dense(8)", "Convolution3D(8)")]
    [InlineData("InvalidLayer", "has no argument 'unit'", "Dense(unit=8)", "Dense(10)")]
    [InlineData("InvalidLayer", "rate must be at least 0 and below 1, not 1.5", "Dropout(1.5)", "Dense(10)")]
    [InlineData("InvalidLayer", "units must be 1 to 65,536, not 0", "Dense(0)", "Dense(10)")]
    [InlineData("InvalidLayer", "activation 'swish' is not one of", "Dense(8, activation=swish)", "Dense(10)")]
    [InlineData("InvalidLayer", "only square windows", "Conv2D(8, (3, 5))", "Flatten", "Dense(10)")]
    [InlineData("InvalidLayer", "softmax ends a network", "Dense(8, activation=softmax)", "Dense(10)")]
    [InlineData("LayerShapeMismatch", "Layer 2 'Conv2D(8, 3)': Conv2D takes an image", "Flatten", "Conv2D(8, 3)", "Flatten", "Dense(10)")]
    [InlineData("LayerShapeMismatch", "Layer 3 'MaxPooling2D(8)': a 8x8 pool is larger than its input (None, 5, 5, 4)", "Conv2D(4, 3, strides=5)", "Conv2D(4, 2)", "MaxPooling2D(8)", "Flatten", "Dense(10)")]
    [InlineData("LayerShapeMismatch", "Layer 2 'Dense(5)' gives (None, 5); the last layer must give one output per class, (None, 10)", "Flatten", "Dense(5)")]
    [InlineData("LayerShapeMismatch", "Dense takes a flat input", "Conv2D(4, 3)", "Dense(10)")]
    [InlineData("NetworkTooLarge", "Layer 1 'Dense(65536)' takes the network to 51,445,760 parameters", "Dense(65536)", "Dense(10)")]
    public void A_bad_layer_list_is_refused_naming_the_layer_and_its_position(string errorId, string message, params string[] layers)
    {
        var e = Refused(layers);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_layer_whose_output_per_image_is_beyond_the_limit_is_refused()
    {
        var e = Assert.Throws<MnistException>(() => NetworkDescription.Parse(512, 512, 10, new[] { "Conv2D(128, 1)", "Flatten", "Dense(10)" }));
        Assert.Equal("NetworkTooLarge", e.ErrorId);
        Assert.Contains("Layer 1 'Conv2D(128, 1)' outputs (None, 512, 512, 128), 33,554,432 values per image", e.Message);
    }

    [Fact]
    public void Nothing_is_allocated_for_a_list_that_does_not_fit()
    {
        // The description is checked before any module exists: a model of a too-large list is refused as a spec.
        var e = Assert.Throws<MnistException>(() => new MnistModel(new ModelSpec { Architecture = Architecture.Custom, Layers = new[] { "Dense(65536)", "Dense(65536)", "Dense(10)" } }));
        Assert.Equal("NetworkTooLarge", e.ErrorId);
    }

    [Fact]
    public void The_presets_are_layer_lists_and_their_layers_build_the_same_network()
    {
        foreach (var architecture in new[] { Architecture.Mlp, Architecture.Cnn, Architecture.FastCnn })
        {
            using var preset = new MnistModel(ModelSpec.DefaultFor(architecture) with { Seed = 4 });
            using var rebuilt = new MnistModel(new ModelSpec { Architecture = Architecture.Custom, Layers = preset.LayerDefinitions.ToArray(), Seed = 4 });
            Assert.Equal(preset.ParameterCount, rebuilt.ParameterCount);
            var a = preset.Network.state_dict();
            var b = rebuilt.Network.state_dict();
            Assert.Equal(a.Keys, b.Keys);
            foreach (var key in a.Keys) Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{architecture}: {key}");
        }
        using var cnn = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { Seed = 1 });
        Assert.Equal(new[] { "Conv2D(32, 3, activation=relu)", "Conv2D(64, 3, activation=relu)", "MaxPooling2D(2)", "Dropout(0.25)", "Flatten",
            "Dense(128, activation=relu)", "Dropout(0.5)", "Dense(10, activation=softmax)" }, cnn.LayerDefinitions);
    }

    [Fact]
    public void FastCnns_dense_layers_start_as_PyTorchs_and_a_layer_list_written_before_that_still_validates()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.FastCnn) with { Seed = 3 });
        var state = model.Network.state_dict();
        // PyTorch's default: weights and biases uniform in +-1/sqrt(fan-in); Keras' Glorot would reach 0.075 and zero biases.
        var (dense, output) = (state["dense.0.weight"], state["dense_1.weight"]);
        Assert.InRange(dense.abs().max().item<float>(), 0.9 / Math.Sqrt(800), 1 / Math.Sqrt(800));
        Assert.InRange(output.abs().max().item<float>(), 0.9 / Math.Sqrt(256), 1 / Math.Sqrt(256));
        Assert.True(state["dense.0.bias"].abs().max().item<float>() > 0, "the dense biases start at zero, as Keras' do");
        Assert.EndsWith("kernel_initializer=torch_default)", model.LayerDefinitions[^1]);

        var before = model.LayerDefinitions.Select(t => t.Replace(", kernel_initializer=torch_default)", ")")).ToArray();
        before = model.LayerDefinitions.Take(8).Concat(before.Skip(8)).ToArray();
        (ModelSpec.DefaultFor(Architecture.FastCnn) with { Layers = before }).Validate();
        var other = before.ToArray();
        other[^2] = "Dense(128, activation=relu)";
        Assert.Throws<MnistException>(() => (ModelSpec.DefaultFor(Architecture.FastCnn) with { Layers = other }).Validate());
    }

    [Fact]
    public void Every_layer_runs_as_the_plain_torchsharp_module_does()
    {
        var description = Describe(EveryLayer);
        using var generator = new Generator(5);
        var (network, rows) = NetworkBuilder.Build(description, generator, fastPaths: false);
        Assert.Equal(EveryLayer.Select(t => LayerParser.Parse(t, 1).ToString()), rows.Select(r => r.Definition));
        var modules = network.named_children().ToDictionary(c => c.name, c => c.module);
        Assert.IsType<TorchSharp.Modules.Conv2d>(((TorchSharp.Modules.Sequential)modules["conv2d"]).children().First());
        Assert.IsType<TorchSharp.Modules.BatchNorm2d>(modules["batch_normalization"]);
        Assert.IsType<TorchSharp.Modules.BatchNorm1d>(modules["batch_normalization_1"]);
        Assert.IsType<TorchSharp.Modules.AvgPool2d>(modules["average_pooling2d"]);
        Assert.IsType<TorchSharp.Modules.MaxPool2d>(modules["max_pooling2d"]);

        // The same computation by hand with torch.nn.functional, from the network's own weights.
        network.eval();
        using var scope = NewDisposeScope();
        var x = rand(4, 784, generator: generator);
        var state = network.state_dict();
        var h = x.mul(1 / 0.3081).add(-0.1307 / 0.3081).view(4, 1, 28, 28);
        h = nn.functional.relu(nn.functional.conv2d(h, state["conv2d.0.weight"], state["conv2d.0.bias"], padding: new long[] { 1, 1 }));
        h = nn.functional.batch_norm(h, state["batch_normalization.running_mean"], state["batch_normalization.running_var"],
            state["batch_normalization.weight"], state["batch_normalization.bias"], false, 0.01, 0.001);
        h = nn.functional.max_pool2d(h, new long[] { 2, 2 });
        h = nn.functional.conv2d(h, state["conv2d_1.0.weight"], state["conv2d_1.0.bias"], strides: new long[] { 2, 2 }).tanh();
        h = nn.functional.gelu(nn.functional.avg_pool2d(h, new long[] { 2, 2 })).flatten(1);
        h = nn.functional.linear(h, state["dense.0.weight"], state["dense.0.bias"]).sigmoid();
        h = nn.functional.batch_norm(h, state["batch_normalization_1.running_mean"], state["batch_normalization_1.running_var"],
            state["batch_normalization_1.weight"], state["batch_normalization_1.bias"], false, 0.01, 0.001);
        h = nn.functional.elu(nn.functional.leaky_relu(nn.functional.linear(h, state["dense_1.0.weight"], state["dense_1.0.bias"]), 0.01), 1.0);
        var expected = nn.functional.linear(h, state["dense_2.weight"], state["dense_2.bias"]);
        using (no_grad())
        {
            var actual = network.forward(x);
            Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6), $"largest difference {(actual - expected).abs().max().item<float>()}");
        }
    }

    [Theory]
    [InlineData("Dense(64, activation=relu)", "Dropout(0.3)", "Dense(32, activation=relu)", "Dropout(0.2)", "Dense(10)")]
    [InlineData("Conv2D(8, 3, activation=relu)", "Conv2D(16, 3, activation=relu)", "MaxPooling2D(2)", "Flatten", "Dense(10)")]
    [InlineData("Conv2D(8, 5)", "MaxPooling2D(2)", "Activation(relu)", "Conv2D(16, 3)", "MaxPooling2D(2)", "Activation(relu)", "Flatten", "Dense(10)")]
    [InlineData("Conv2D(8, 3)", "MaxPooling2D(2)", "Activation(tanh)", "Flatten", "Dense(10)")]
    public void The_fast_paths_compute_what_the_plain_modules_compute(params string[] layers)
    {
        var description = Describe(layers);
        using var fastGenerator = new Generator(9);
        using var plainGenerator = new Generator(9);
        var (fast, _) = NetworkBuilder.Build(description, fastGenerator);
        var (plain, _) = NetworkBuilder.Build(description, plainGenerator, fastPaths: false);
        Assert.Contains(fast.modules(), m => m.GetType().Namespace == "Mnist.Core.FastPaths");
        Assert.DoesNotContain(plain.modules(), m => m.GetType().Namespace == "Mnist.Core.FastPaths" && m is not FastPaths.SeededDropout { AfterDeferredRelu: false });
        using var scope = NewDisposeScope();
        var x = rand(32, 784, generator: new Generator(1));
        var labels = randint(0, 10, new long[] { 32 }, generator: new Generator(2));
        foreach (var training in new[] { false, true })
        {
            // Dropout draws one key per pass from each network's generator: both draw the same masks.
            fast.train(training);
            plain.train(training);
            var fastLoss = nn.functional.cross_entropy(fast.forward(x), labels);
            var plainLoss = nn.functional.cross_entropy(plain.forward(x), labels);
            Assert.Equal(plainLoss.item<float>(), fastLoss.item<float>(), 5);
            if (!training) continue;
            fastLoss.backward();
            plainLoss.backward();
            foreach (var ((name, a), (_, b)) in fast.named_parameters().Zip(plain.named_parameters()))
                Assert.True(a.grad!.allclose(b.grad!, rtol: 1e-4, atol: 1e-6), $"{name}: largest difference {(a.grad! - b.grad!).abs().max().item<float>()}");
        }
    }
}
