using System.Diagnostics;
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
        var x = torch.rand(new long[] { 256, 24, 12, 12 }, generator: g);
        var w = torch.rand(new long[] { 32, 24, 3, 3 }, generator: g).sub_(0.5).requires_grad_();
        var b = torch.rand(new long[] { 32 }, generator: g).requires_grad_();
        var gout = torch.rand(new long[] { 256, 32, 10, 10 }, generator: g);
        void Time(string name, Action body)
        {
            for (int i = 0; i < 3; i++) body();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < iterations; i++) body();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            sb.AppendLine($"{name}: {sw.Elapsed.TotalMilliseconds / iterations:F2} ms wall, {cpu.TotalMilliseconds / iterations:F2} ms cpu");
        }
        Time("nchw forward", () => { using var s = NewDisposeScope(); using var n = no_grad(); nn.functional.conv2d(x, w, b); });
        var xg = x.clone().requires_grad_();
        Time("nchw fwd+bwd", () => { using var s = NewDisposeScope(); var y = nn.functional.conv2d(xg, w, b); y.backward(new[] { gout }); w.grad = null; b.grad = null; xg.grad = null; });
        // im2col: unfold (N, 216, 100), weight (32, 216)
        Time("unfold+matmul fwd", () => { using var s = NewDisposeScope(); using var n = no_grad(); var cols = nn.functional.unfold(x, 3); var y = w.view(32, 216).matmul(cols); });
        Time("unfold+matmul fwd+bwd", () => { using var s = NewDisposeScope(); var cols = nn.functional.unfold(xg, 3); var y = w.view(32, 216).matmul(cols).add(b.view(1, 32, 1)); y.backward(new[] { gout.view(256, 32, 100) }); w.grad = null; b.grad = null; xg.grad = null; });
        // explicit: weight grad as one mm over (N*100) rows
        Time("manual bwd pieces", () =>
        {
            using var s = NewDisposeScope(); using var n = no_grad();
            var cols = nn.functional.unfold(x, 3);                       // (256, 216, 100)
            var go = gout.view(256, 32, 100);
            var gw = go.transpose(0, 1).reshape(32, 25600).matmul(cols.transpose(1, 2).reshape(25600, 216)); // (32,216)
            var gcols = w.view(32, 216).t().matmul(go);                  // (256, 216, 100)
            var gx = nn.functional.fold(gcols, (12, 12), (3, 3));
        });
        Time("nchw bwd only input", () => { using var s = NewDisposeScope(); var y = nn.functional.conv2d(xg, w.detach(), b.detach()); y.backward(new[] { gout }); xg.grad = null; });
        Time("nchw bwd only weight", () => { using var s = NewDisposeScope(); var y = nn.functional.conv2d(x, w, b); y.backward(new[] { gout }); w.grad = null; b.grad = null; });
        return sb.ToString();
    }
}
