using System.Diagnostics;
using Mnist.Core.FastPaths;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Diagnostics;

// Scratch: FastCnn's second convolution timed several ways (to be removed).
public static class ConvBench
{
    public static string Run(int threads, int iterations)
    {
        using var _ = TorchThreads.Use(threads);
        var sb = new System.Text.StringBuilder();
        using var g = new Generator(1);
        var x = torch.randn(new long[] { 256, 24, 12, 12 }, generator: g);
        var layer = new PooledConv2d(24, 32, 3);
        using (no_grad()) { layer.Weight.copy_(torch.randn(layer.Weight.shape, generator: g).mul_(0.1)); layer.Bias.zero_(); }
        var w = layer.Weight.detach().clone().requires_grad_();
        var b = layer.Bias.detach().clone().requires_grad_();
        var gout = torch.randn(new long[] { 256, 32, 5, 5 }, generator: g);
        var gfull = torch.randn(new long[] { 256, 32, 10, 10 }, generator: g);
        void Time(string name, Action body)
        {
            for (int i = 0; i < 3; i++) body();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < iterations; i++) body();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            sb.AppendLine($"{name}: {sw.Elapsed.TotalMilliseconds / iterations:F2} ms wall, {cpu.TotalMilliseconds / iterations:F2} ms cpu");
        }
        var xg = x.clone().requires_grad_();
        var oldPool = new MaxPool2x2(withRelu: true);
        for (int round = 0; round < 3; round++)
        {
            Time("OLD conv2d + MaxPool2x2(relu) fwd+bwd", () => { using var s = NewDisposeScope(); var y = oldPool.forward(nn.functional.conv2d(xg, w, b)); y.backward(new[] { gout }); w.grad = null; b.grad = null; xg.grad = null; });
            Time("NEW PooledConv2d fwd+bwd", () => { using var s = NewDisposeScope(); var y = layer.forward(xg); y.backward(new[] { gout }); layer.Weight.grad = null; layer.Bias.grad = null; xg.grad = null; });
        }
        if (iterations > 0) return sb.ToString();
        Time("libtorch conv fwd", () => { using var s = NewDisposeScope(); using var n = no_grad(); nn.functional.conv2d(x, w, b); });
        Time("libtorch conv+pool+relu fwd+bwd", () => { using var s = NewDisposeScope(); var y = nn.functional.relu(nn.functional.max_pool2d(nn.functional.conv2d(xg, w, b), new long[] { 2, 2 })); y.backward(new[] { gout }); w.grad = null; b.grad = null; xg.grad = null; });
        Time("libtorch conv fwd+bwd", () => { using var s = NewDisposeScope(); var y = nn.functional.conv2d(xg, w, b); y.backward(new[] { gfull }); w.grad = null; b.grad = null; xg.grad = null; });
        Time("pooled fwd", () => { using var s = NewDisposeScope(); using var n = no_grad(); layer.forward(x); });
        Time("pooled fwd+bwd", () => { using var s = NewDisposeScope(); var y = layer.forward(xg); y.backward(new[] { gout }); layer.Weight.grad = null; layer.Bias.grad = null; xg.grad = null; });
        var x1 = torch.randn(new long[] { 256, 1, 28, 28 }, generator: g);
        var first = new PooledConv2d(1, 24, 5);
        var w1 = torch.randn(new long[] { 24, 1, 5, 5 }, generator: g);
        using (no_grad()) { first.Weight.copy_(torch.randn(first.Weight.shape, generator: g).mul_(0.2)); first.Bias.zero_(); }
        var gout1 = torch.randn(new long[] { 256, 24, 12, 12 }, generator: g);
        Time("first: libtorch conv fwd", () => { using var s = NewDisposeScope(); using var n = no_grad(); nn.functional.conv2d(x1, w1); });
        Time("first: pooled fwd", () => { using var s = NewDisposeScope(); using var n = no_grad(); first.forward(x1); });
        Time("first: pooled fwd+bwd", () => { using var s = NewDisposeScope(); var y = first.forward(x1); y.backward(new[] { gout1 }); first.Weight.grad = null; first.Bias.grad = null; });
        {
            using var n0 = no_grad();
            var (pooled, winners) = PooledConv2dFunction.ConvolveAndPool(x, layer.Weight, layer.Bias);
            var inArr = x.data<float>().ToArray(); var wArr = layer.Weight.detach().data<float>().ToArray();
            var gArr = gout.data<float>().ToArray(); var winArr = winners.data<byte>().ToArray();
            var gin = new float[inArr.Length]; var gw = new float[wArr.Length]; var gb = new float[32];
            int nz = 0; for (int i = 0; i < winArr.Length; i++) if (winArr[i] < 4) nz++;
            sb.AppendLine($"winners kept: {nz} of {winArr.Length}");
            Time("kernel only (input+weights)", () => PooledConvolutionBackward.Compute(inArr, wArr, gArr, winArr, gin, gw, gb, 256, 24, 12, 12, 32, 3, threads));
            Time("kernel only (weights, old)", () => PooledConvolutionGradient.Compute(inArr, gArr, winArr, gw, gb, 256, 24, 12, 12, 32, 3));
            var (pooled1, winners1) = PooledConv2dFunction.ConvolveAndPool(x1, first.Weight, first.Bias);
            var in1 = x1.data<float>().ToArray(); var g1 = gout1.data<float>().ToArray(); var win1 = winners1.data<byte>().ToArray();
            var gw1 = new float[24 * 25]; var gb1 = new float[24];
            Time("first kernel only (weights)", () => PooledConvolutionGradient.Compute(in1, g1, win1, gw1, gb1, 256, 1, 28, 28, 24, 5));
        }
        return sb.ToString();
    }
}
