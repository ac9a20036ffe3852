using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

/// <summary>One image's prediction is the network's softmax over that image, to the bit, however its input tensor is made.</summary>
public class PredictPixelsTests
{
    [Theory]
    [InlineData(Architecture.Mlp)]
    [InlineData(Architecture.Cnn)]
    [InlineData(Architecture.FastCnn)]
    public void Gives_the_probabilities_of_a_forward_pass_over_the_pixels_scaled_to_0_1(Architecture architecture)
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(architecture) with { Seed = 3 });
        var test = TestData.Mnist.Take(1, 20).Test;
        for (int index = 0; index < test.Count; index++)
        {
            var pixels = test.GetImage(index);
            var prediction = Predictor.PredictPixels(model, pixels);

            // The reference: a tensor over a .NET array, as predictions were made before they wrote into libtorch's memory.
            float[] expected;
            using (NewDisposeScope())
            using (no_grad())
            {
                var input = pixels.Select(p => p / 255f).ToArray();
                expected = nn.functional.softmax(model.Network.forward(tensor(input, new long[] { 1, pixels.Length })), 1).data<float>().ToArray();
            }
            Assert.Equal(expected.Select(p => (double)p).ToArray(), prediction.Probabilities);
            Assert.Equal(Array.IndexOf(expected, expected.Max()), prediction.Predicted);
            Assert.Equal(pixels, prediction.Pixels);
        }
    }
}
