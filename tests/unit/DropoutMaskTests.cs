using Mnist.Core.FastPaths;
using Mnist.Core.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

public class DropoutMaskTests
{
    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.05)]
    public void The_mask_keeps_the_right_share_and_scales_what_it_keeps(double rate)
    {
        var mask = new float[1_000_003];
        DropoutMask.Fill(mask, 0x1234_5678_9abc_def0, rate);
        float scale = (float)(1 / (1 - rate));
        Assert.All(mask.Distinct(), value => Assert.True(value == 0f || value == scale, $"value {value}"));
        double kept = mask.Count(v => v != 0) / (double)mask.Length;
        double sd = Math.Sqrt(rate * (1 - rate) / mask.Length);
        Assert.InRange(kept, 1 - rate - 5 * sd, 1 - rate + 5 * sd);
        Assert.InRange(mask.Average(v => (double)v), 1 - 5 * sd * scale, 1 + 5 * sd * scale);
    }

    [Fact]
    public void The_same_key_gives_the_same_mask_and_another_key_another()
    {
        var (a, b, c) = (new float[4099], new float[4099], new float[4099]);
        DropoutMask.Fill(a, 42, 0.2);
        DropoutMask.Fill(b, 42, 0.2);
        DropoutMask.Fill(c, 43, 0.2);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Neighbouring elements and neighbouring keys are not correlated: about 80% of 80% kept in both.
        double both = a.Zip(c).Count(p => p.First != 0 && p.Second != 0) / (double)a.Length;
        Assert.InRange(both, 0.6, 0.68);
    }

    [Fact]
    public void The_vector_and_scalar_paths_draw_the_same_elements()
    {
        var whole = new float[1000];
        DropoutMask.Fill(whole, 7, 0.3);
        // Lengths below one vector take the scalar path only; the first elements must agree with the SIMD fill.
        var head = new float[7];
        DropoutMask.Fill(head, 7, 0.3);
        Assert.Equal(whole.Take(7), head);
    }

    [Fact]
    public void Seeded_dropout_is_reproducible_per_seed_and_scales_the_kept_inputs()
    {
        Tensor Run(long seed)
        {
            using var generator = new Generator((ulong)seed);
            using var dropout = new SeededDropout("d", 0.2, generator);
            dropout.train();
            using var ones = torch.ones(64, 512);
            return dropout.forward(ones);
        }
        using var first = Run(9);
        using var again = Run(9);
        using var other = Run(10);
        Assert.Equal(first.data<float>().ToArray(), again.data<float>().ToArray());
        Assert.NotEqual(first.data<float>().ToArray(), other.data<float>().ToArray());
        var values = first.data<float>().ToArray();
        Assert.All(values.Distinct(), v => Assert.True(v == 0f || v == 1.25f));
        Assert.InRange(values.Count(v => v != 0) / (double)values.Length, 0.78, 0.82);
    }

    [Fact]
    public void Gradients_flow_through_the_kept_elements_only()
    {
        using var generator = new Generator(3);
        using var dropout = new SeededDropout("d", 0.5, generator);
        dropout.train();
        using var x = torch.ones(8, 32).requires_grad_(true);
        using var y = dropout.forward(x);
        y.sum().backward();
        // The gradient of sum(x * mask) is the mask itself.
        Assert.Equal(y.detach().data<float>().ToArray(), x.grad!.data<float>().ToArray());
    }
}

public class FusedReluDropoutTests
{
    [Fact]
    public void The_mask_after_relu_zeroes_the_negative_inputs_and_keeps_the_draws_of_the_plain_mask()
    {
        var random = new Random(1);
        var input = Enumerable.Range(0, 1037).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var (plain, fused) = (new float[input.Length], new float[input.Length]);
        DropoutMask.Fill(plain, 99, 0.2);
        DropoutMask.FillAfterRelu(fused, input, 99, 0.2);
        for (int i = 0; i < input.Length; i++) Assert.Equal(input[i] > 0 ? plain[i] : 0f, fused[i]);
    }

    [Fact]
    public void A_dense_relu_dropout_model_trains_like_relu_then_dropout_and_predicts_with_relu()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 4, HiddenUnits = new[] { 64 } });
        Assert.Contains(model.Network.modules(), m => m is DeferredRelu);
        using var x = torch.randn(new long[] { 32, 784 }, generator: new Generator(2));
        // In evaluation the deferred ReLU is a ReLU: the hidden layer's outputs are never negative.
        model.Network.eval();
        using (no_grad())
        {
            var hidden = ((nn.Module<Tensor, Tensor>)model.Network.children().First()).forward(x);
            Assert.True(hidden.min().item<float>() >= 0);
        }
        // In training the dropout's output is dropout(relu(dense(x))): never negative, scaled by 1.25 where kept.
        model.Network.train();
        var modules = model.Network.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
        using var dense = modules[0].forward(x);
        using var dropped = modules[1].forward(dense);
        var (d, o) = (dense.detach().data<float>().ToArray(), dropped.detach().data<float>().ToArray());
        for (int i = 0; i < d.Length; i++)
            Assert.True(o[i] == 0f || (d[i] > 0 && Math.Abs(o[i] - 1.25f * d[i]) < 1e-5f), $"element {i}: {d[i]} -> {o[i]}");
        Assert.Contains(o, v => v > 0);
        model.Network.eval();
    }

    [Theory]
    [InlineData(4099, 0.2)]
    [InlineData(64 * 512, 0.5)]
    public void Applied_in_place_it_is_the_masks_product_bit_for_bit(int length, double rate)
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var mask = new float[length];
        DropoutMask.FillAfterRelu(mask, values, 77, rate);
        var expected = values.Zip(mask, (v, m) => v * m).ToArray();
        DropoutMask.ApplyAfterRelu(values, 77, rate);
        Assert.Equal(expected, values);
        Assert.Contains(values, v => v > 0);
    }
}
