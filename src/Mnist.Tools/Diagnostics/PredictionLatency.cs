using System.Diagnostics;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;

namespace Mnist.Core.Diagnostics;

public static class PredictionLatency
{
    /// <summary>Median seconds of one <see cref="Predictor.PredictPixels"/> call, after <paramref name="warmup"/> calls.</summary>
    public static double MedianSeconds(MnistModel model, byte[] pixels, int warmup = 200, int count = 1000)
    {
        for (int i = 0; i < warmup; i++) Predictor.PredictPixels(model, pixels);
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Predictor.PredictPixels(model, pixels);
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[count / 2];
    }
}
