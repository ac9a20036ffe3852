using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Mnist.Core.Imaging;

namespace Mnist.Core.Diagnostics;

/// <summary>One stage of <see cref="PicturePreparationProfile"/>: its milliseconds per picture (the best pass's).</summary>
public sealed record PictureStageTime(string Stage, double MillisecondsPerPicture);

/// <summary>
/// Where the preparation of picture files goes, stage by stage, on one thread: the chain of
/// <see cref="DigitImageFile.Prepare"/> run step by step (the same internal calls in the same order, on the same pooled
/// buffers), each step timed per picture and summed over the files; the best of several passes per stage. The steps'
/// result is checked against <see cref="DigitImageFile.Prepare"/> itself, so the profile times the real chain.
/// Thread CPU time of each pass is kept too: far below its wall time, the thread was waiting for a core.
/// </summary>
public static class PicturePreparationProfile
{
    public static IReadOnlyList<PictureStageTime> Measure(IReadOnlyList<string> files, int passes = 5)
    {
        var best = new Dictionary<string, double>();
        var order = new List<string>();
        double bestCpu = double.MaxValue, bestWall = double.MaxValue;
        for (int pass = 0; pass <= passes; pass++)   // pass 0 warms up
        {
            var sums = new Dictionary<string, long>();
            double cpuStart = ThreadCpuSeconds();
            long wallStart = Stopwatch.GetTimestamp();
            foreach (var file in files) Profile(file, sums, pass == 0 ? order : null);
            double cpu = ThreadCpuSeconds() - cpuStart, wall = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
            if (pass == 0) continue;
            bestCpu = Math.Min(bestCpu, cpu); bestWall = Math.Min(bestWall, wall);
            foreach (var (stage, ticks) in sums)
            {
                double ms = ticks * 1000.0 / Stopwatch.Frequency / files.Count;
                best[stage] = best.TryGetValue(stage, out var b) ? Math.Min(b, ms) : ms;
            }
        }
        var result = order.Select(stage => new PictureStageTime(stage, best[stage])).ToList();
        result.Add(new PictureStageTime("sum of the stages", result.Sum(r => r.MillisecondsPerPicture)));
        result.Add(new PictureStageTime("pass, wall (best)", bestWall * 1000 / files.Count));
        result.Add(new PictureStageTime("pass, thread CPU (best)", bestCpu * 1000 / files.Count));
        foreach (var whole in new[] { "DigitImageFile.Prepare", "DigitImageFile.ReadGray", "DigitPreprocessor.Prepare" })
            result.Add(new PictureStageTime(whole + " alone", Whole(files, whole, passes)));
        return result;
    }

    /// <summary>The public entry point alone, over every file: the best pass's milliseconds per picture.</summary>
    private static double Whole(IReadOnlyList<string> files, string what, int passes)
    {
        var images = what == "DigitPreprocessor.Prepare" ? files.Select(f => DigitImageFile.ReadGray(f)).ToArray() : null;
        double best = double.MaxValue;
        for (int pass = 0; pass <= passes; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < files.Count; i++)
                _ = what switch
                {
                    "DigitImageFile.Prepare" => DigitImageFile.Prepare(files[i]),
                    "DigitImageFile.ReadGray" => (object)DigitImageFile.ReadGray(files[i]),
                    _ => DigitPreprocessor.Prepare(images![i]),
                };
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds / files.Count;
            if (pass > 0) best = Math.Min(best, ms);
        }
        return best;
    }

    private sealed class Clock(Dictionary<string, long> sums, List<string>? order)
    {
        private long _last = Stopwatch.GetTimestamp();

        public void Lap(string stage)
        {
            long now = Stopwatch.GetTimestamp();
            sums[stage] = sums.GetValueOrDefault(stage) + now - _last;
            if (order is not null && !order.Contains(stage)) order.Add(stage);
            _last = Stopwatch.GetTimestamp();
        }
    }

    private static void Profile(string file, Dictionary<string, long> sums, List<string>? order)
    {
        var clock = new Clock(sums, order);
        byte[] bytes;
        using (var stream = Persistence.InputFile.OpenRead(file))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        clock.Lap("read the file");
        bytes = PngChunks.WithoutLargeAncillaryChunks(bytes);
        if (!PlainPng.Parse(bytes, out var header, out int dataStart, out int dataEnd, out int dataChunks) || header.Colour)
            throw new InvalidOperationException($"'{file}' is not a plain 8-bit gray PNG: the profile times that decode only.");
        clock.Lap("decode: chunks and CRCs");
        int stride = 1 + header.Width;
        var compressed = ArrayPool<byte>.Shared.Rent(dataEnd - dataStart);
        var raw = ArrayPool<byte>.Shared.Rent(stride * header.Height);
        int length = PlainPng.GatherData(bytes, dataStart, dataChunks, compressed);
        if (!PlainPng.Inflate(compressed.AsSpan(0, length), raw.AsSpan(0, stride * header.Height))) throw new InvalidOperationException(file);
        clock.Lap("decode: inflate (zlib, Adler-32)");
        var pixels = new byte[header.Width * header.Height];
        PlainPng.Unfilter(raw.AsSpan(0, stride * header.Height), stride, 1, header.Height);
        for (int y = 0; y < header.Height; y++) raw.AsSpan(y * stride + 1, header.Width).CopyTo(pixels.AsSpan(y * header.Width));
        ArrayPool<byte>.Shared.Return(compressed);
        ArrayPool<byte>.Shared.Return(raw);
        var image = new GrayImage(pixels, header.Width, header.Height);
        clock.Lap("decode: unfilter");

        int width = image.Width, height = image.Height, count = width * height;
        var rented = ArrayPool<byte>.Shared.Rent(count);
        var buffers = ArrayPool<byte>.Shared.Rent(3 * count);
        var labelBuffer = ArrayPool<int>.Shared.Rent(count);
        var digit = rented.AsSpan(0, count);
        var paper = buffers.AsSpan(0, count);
        var ink = buffers.AsSpan(count, count);
        var grown = buffers.AsSpan(2 * count, count);
        clock.Lap("buffers");
        PaperBackground.Estimate(image, paper);
        clock.Lap("paper surface");
        InkMap.FromBackground(image.Pixels, paper, ink);
        clock.Lap("ink map");
        double noise = InkMap.NoiseLevel(image.Pixels, width, height, paper);
        clock.Lap("noise");
        var levels = InkMap.Thresholds(ink, width, height, noise) ?? throw new InvalidOperationException($"'{file}' is blank.");
        clock.Lap("thresholds");
        var labels = labelBuffer.AsSpan(0, count);
        labels.Clear();
        var components = InkComponents.Find(ink, width, levels.High, labels);
        clock.Lap("components");
        var chosenLabels = InkComponents.SelectDigit(components);
        var chosen = components.Where(c => chosenLabels.Contains(c.Label)).ToArray();
        clock.Lap("select the digit");
        grown.Clear();
        var box = InkComponents.Grow(ink, width, labels, chosen, levels.High, levels.Low, grown, paper) ?? throw new InvalidOperationException(file);
        clock.Lap("grow and rim");
        byte stroke = DigitPreprocessor.StrokeLevel(ink, width, labels, chosen);
        clock.Lap("stroke level");
        DigitPreprocessor.Stretch(ink, paper, width, box, stroke, digit);
        clock.Lap("stretch");
        var bounds = DigitPreprocessor.InkBounds(digit, width, box, DigitPreprocessor.CropThreshold)
            ?? DigitPreprocessor.InkBounds(digit, width, box, 0) ?? throw new InvalidOperationException(file);
        var cropped = DigitPreprocessor.Crop(digit, width, bounds);
        ArrayPool<byte>.Shared.Return(rented);
        ArrayPool<byte>.Shared.Return(buffers);
        ArrayPool<int>.Shared.Return(labelBuffer);
        clock.Lap("ink bounds and crop");
        var strokes = StrokeWidth.Normalise(cropped, StrokeWidth.Mnist * Math.Max(cropped.Width, cropped.Height) / DigitPreprocessor.BoxSize);
        clock.Lap("stroke width");
        var scaled = DigitPreprocessor.ScaleToFit(strokes);
        clock.Lap("scale to 20x20");
        var placed = DigitPreprocessor.PlaceByCenterOfMass(scaled);
        clock.Lap("centre of mass");
        if (order is not null && !placed.Pixels.AsSpan().SequenceEqual(DigitImageFile.Prepare(file)))
            throw new InvalidOperationException($"The profiled steps prepared '{file}' differently from DigitImageFile.Prepare: the profile is out of date.");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>This thread's CPU seconds (Linux); NaN elsewhere.</summary>
    private static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        return ClockGetTime(3, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;   // CLOCK_THREAD_CPUTIME_ID
    }
}
