using System.Runtime.InteropServices;
using Mnist.Core.Diagnostics;
using Mnist.Core.Imaging.Pictures;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>The stage profiler of bench/picture-stages.ps1 times the real chain: its steps must prepare each file as DigitImageFile.Prepare does.</summary>
public class PicturePreparationProfileTests
{
    [Fact]
    public void Times_every_stage_of_gray_PNG_photos_and_their_sum_fits_in_the_wall_time()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mnist-prep-profile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var files = new List<string>();
            for (int index = 0; index < 6; index++)
            {
                var picture = DigitPhotographer.Render(TestData.Mnist.Test.ImagePixels(index), PictureSet.Kinds[index % PictureSet.Kinds.Count], Draw.For(5, index));
                var gray = new byte[picture.Width * picture.Height];
                for (int i = 0; i < gray.Length; i++) gray[i] = (byte)((picture.Rgb[3 * i] * 2 + picture.Rgb[3 * i + 1] * 5 + picture.Rgb[3 * i + 2]) / 8);
                using var bitmap = new SKBitmap(new SKImageInfo(picture.Width, picture.Height, SKColorType.Gray8, SKAlphaType.Opaque));
                Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                var file = Path.Combine(folder, $"{index}.png");
                File.WriteAllBytes(file, data.ToArray());
                files.Add(file);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var stages = PicturePreparationProfile.Measure(files, passes: 1);
            clock.Stop();

            var names = stages.Select(s => s.Stage).ToList();
            Assert.Equal("read the file", names[0]);
            Assert.Contains("decode: inflate (zlib, Adler-32)", names);
            Assert.Contains("paper surface", names);
            Assert.Contains("components", names);
            Assert.Contains("centre of mass", names);
            Assert.All(stages, s => Assert.True(s.MillisecondsPerPicture >= 0, s.ToString()));
            // Every stage ran (the inflate and the paper surface take time on any picture), and one pass of all the
            // stages fits in the whole call, which ran the warm-up pass, the timed one and the entry points alone too.
            Assert.True(stages.Single(s => s.Stage == "paper surface").MillisecondsPerPicture > 0);
            double sum = stages.Single(s => s.Stage == "sum of the stages").MillisecondsPerPicture;
            Assert.InRange(sum * files.Count, 0.001, clock.Elapsed.TotalMilliseconds);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
