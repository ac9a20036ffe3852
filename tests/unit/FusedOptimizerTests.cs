using Mnist.Core.FastPaths;
using Mnist.Core.Modeling;

using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

public class FusedOptimizerTests
{
    // Two identical small networks: one stepped by TorchSharp's managed optimizer, one by the fused one.
    private static (nn.Module<Tensor, Tensor> Reference, nn.Module<Tensor, Tensor> Fused) Twins()
    {
        var reference = nn.Sequential(nn.Linear(37, 29), nn.ReLU(), nn.Linear(29, 5));
        var fused = nn.Sequential(nn.Linear(37, 29), nn.ReLU(), nn.Linear(29, 5));
        using var _ = no_grad();
        foreach (var ((_, a), (_, b)) in reference.named_parameters().Zip(fused.named_parameters())) b.copy_(a);
        return (reference, fused);
    }

    private static void Train(nn.Module<Tensor, Tensor> network, optim.Optimizer optimizer, int steps)
    {
        using var generator = new Generator(5);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var x = torch.randn(new long[] { 16, 37 }, generator: generator);
            var y = torch.randint(0, 5, new long[] { 16 }, generator: generator);
            optimizer.zero_grad();
            nn.functional.cross_entropy(network.forward(x), y).backward();
            optimizer.step();
        }
    }

    private static void AssertSameParameters(nn.Module<Tensor, Tensor> a, nn.Module<Tensor, Tensor> b)
    {
        foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(b.named_parameters()))
        {
            var largest = (x - y).abs().max().item<float>();
            Assert.True(largest < 1e-5f, $"{name} differs by {largest}");
            Assert.True((x - x.detach().clone().zero_()).abs().max().item<float>() > 0, $"{name} is all zeros");
        }
    }

    [Theory]
    [InlineData(0.001, 0.9, 0.999, 0.0)]
    [InlineData(0.01, 0.7, 0.9, 0.0)]
    [InlineData(0.003, 0.9, 0.999, 0.01)]
    public void The_fused_Adam_step_matches_TorchSharps_Adam_within_float_rounding(double lr, double beta1, double beta2, double decay)
    {
        var (reference, fused) = Twins();
        using var expected = optim.Adam(reference.parameters(), lr, beta1, beta2, weight_decay: decay);
        using var actual = new Adam(fused.parameters().ToArray(), lr, beta1, beta2, decay);
        Train(reference, expected, 25);
        Train(fused, actual, 25);
        AssertSameParameters(reference, fused);
    }

    [Theory]
    [InlineData(0.001, 0.01)]
    [InlineData(0.01, 0.1)]
    public void The_fused_AdamW_step_matches_TorchSharps_AdamW_within_float_rounding(double lr, double decay)
    {
        var (reference, fused) = Twins();
        using var expected = optim.AdamW(reference.parameters(), lr, weight_decay: decay);
        using var actual = new AdamW(fused.parameters().ToArray(), lr, 0.9, 0.999, decay);
        Train(reference, expected, 25);
        Train(fused, actual, 25);
        AssertSameParameters(reference, fused);
    }

    [Fact]
    public void The_kernel_matches_the_scalar_formula_on_lengths_that_are_not_a_multiple_of_the_vector()
    {
        var random = new Random(3);
        foreach (int n in new[] { 1, 7, 16, 33, 1001 })
        {
            float[] p = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] g = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] m = new float[n], v = new float[n];
            var expected = p.ToArray();
            var step = AdamStep.For(0.01, 0.9, 0.999, 1e-8, 0, decoupled: false, 1);
            AdamKernel.Apply(p, g, m, v, step);
            for (int i = 0; i < n; i++)
            {
                // After one step from zero moments Adam moves every weight by almost exactly lr against its gradient's sign.
                Assert.Equal(expected[i] - 0.01f * MathF.Sign(g[i]), p[i], 1e-4f);
                Assert.Equal(0.1f * g[i], m[i], 1e-6f);
            }
        }
    }

    [Fact]
    public void Moments_that_only_decay_become_zero_instead_of_subnormal_and_leave_the_weights_as_the_formula_does()
    {
        // One weight whose gradient is zero after its first step (a pixel that is rarely inked): its moments decay
        // towards zero; subnormal floats would make every later step about a hundred times slower on x86.
        foreach (int n in new[] { 1, 16, 37 })
        {
            float[] p = Enumerable.Repeat(0.25f, n).ToArray(), m = new float[n], v = new float[n];
            float[] g = Enumerable.Repeat(3e-6f, n).ToArray();
            double expectedWeight = 0.25, expectedM = 0, expectedV = 0;
            for (long step = 1; step <= 3000; step++)
            {
                AdamKernel.Apply(p, g, m, v, AdamStep.For(0.001, 0.9, 0.999, 1e-7, 0, decoupled: false, step));
                expectedM = 0.9 * expectedM + 0.1 * g[0];
                expectedV = 0.999 * expectedV + 0.001 * g[0] * g[0];
                expectedWeight -= 0.001 / (1 - Math.Pow(0.9, step)) * expectedM
                    / (Math.Sqrt(expectedV) / Math.Sqrt(1 - Math.Pow(0.999, step)) + 1e-7);
                if (step == 1) Array.Clear(g);
                Assert.All(m, value => Assert.True(value == 0 || float.IsNormal(value), $"m = {value} at step {step}"));
                Assert.All(v, value => Assert.True(value == 0 || float.IsNormal(value), $"v = {value} at step {step}"));
            }
            Assert.All(m, value => Assert.Equal(0f, value));
            Assert.All(p, value => Assert.Equal(expectedWeight, value, 1e-6));
        }
    }

    [Fact]
    public void Zero_grad_sets_gradients_to_none_and_the_next_backward_writes_them_afresh()
    {
        var (_, network) = Twins();
        using var optimizer = new Adam(network.parameters().ToArray(), 0.01, 0.9, 0.999, 0);
        Train(network, optimizer, 2);
        Assert.All(network.parameters(), p => Assert.NotNull(p.grad));
        optimizer.zero_grad();
        Assert.All(network.parameters(), p => Assert.Null(p.grad));
        Train(network, optimizer, 1);
        Assert.All(network.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Its_state_saves_in_TorchSharps_format_and_loads_back_into_either_optimizer()
    {
        var (reference, fused) = Twins();
        using var actual = new Adam(fused.parameters().ToArray(), 0.01, 0.9, 0.999, 0);
        Train(fused, actual, 3);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) actual.save_state_dict(writer);
        using var managed = optim.Adam(reference.parameters(), 0.01);
        buffer.Position = 0;
        using (var reader = new BinaryReader(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) managed.load_state_dict(reader);
        Assert.True(managed.state_dict().State.Zip(actual.state_dict().State).All(pair => pair.First.ApproximatelyEquals(pair.Second)));
    }
}
