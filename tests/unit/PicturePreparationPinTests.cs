using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mnist.Core.Imaging;
using Mnist.Core.Imaging.Pictures;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// Pins the picture preparation bit for bit: every stage of the chain, run on a fixed picture set, is hashed and
/// compared with the hashes the chain gave before it was made fast (recorded on commit 2cef69e's code). A faster
/// decode, ink map, labelling or scaling that changes a single pixel, threshold or double fails here, stage by stage.
/// </summary>
public class PicturePreparationPinTests
{
    /// <summary>SHA-256 of each stage's outputs over the set, as the chain gave them before it was optimised.</summary>
    private static readonly Dictionary<string, string> Recorded = new()
    {
        ["decode"] = "37CB2716C41BDDD7F48EFB60523E0EBF41FE7F7FAF62412761BCDD5018EE77D2",
        ["background"] = "7D545273970D32B72253FB8E1F2B023843A4E4208B52CDEB8D8669347ED00961",
        ["ink"] = "1F82C1AA1768B2D92A2FEEAE3FC7A52062AE3FED69FA1E910430DCE6F657C413",
        ["noise"] = "7F0C027B2D8AD2F87AF8EEB4E9A1088D3E4D1B33444CDD5807AF955DE731B0FA",
        ["thresholds"] = "B22B8F1D9B66CB58C2AAD76326F1254FEA896F9A9B70CAF5171A5AB2C2782DE9",
        ["labels"] = "846EFA51283AA34A819FE35E23C48FFEF662107E059ED5348FCC4192CE07E3EA",
        ["chosen"] = "13CFAAE6EAE89769E9229DB9053CA43A9353D5A5948B6F79E5F49811C43E0F85",
        ["mask"] = "CB41AA8923AC0AE4067102B787E6578D7C6E3D3EA17F0ABB35693964C093B15D",
        ["strokeLevel"] = "0587FB754AF1068A78C7DA608024255B1DBE11AD4E076874E9103CC74B6434A0",
        ["isolated"] = "338525E86896B67BA8C60CA56DE31F2F830DEC3FC7F90EA5175AC714128C0150",
        ["strokeWidth"] = "85AC479F893CEF4C30A22BD2FCF51E0889A9E361E65528CD4377961C3A63AB8B",
        ["prepared"] = "F90370EBF11E0D9F5536CC4337F2AFFF827677818E98CB6D11684AAF77C27BF2",
        ["files"] = "A651C3D863CB93221F33DCFA65C8509ED6DD1E81CCB41D96417E4F2E5EC85E0A",
    };

    [Fact]
    public void Every_stage_of_the_preparation_gives_the_same_bits_as_before_on_the_picture_sets()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mnist-prep-pin-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = WritePictures(folder);
            var hashes = Recorded.Keys.ToDictionary(k => k, _ => IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
            foreach (var file in files)
            {
                var image = DigitImageFile.ReadGray(file);
                Add(hashes["decode"], image);
                var background = PaperBackground.Estimate(image);
                Add(hashes["background"], background);
                var ink = InkMap.FromBackground(image, background);
                Add(hashes["ink"], ink);
                double noise = InkMap.NoiseLevel(image, background);
                Add(hashes["noise"], BitConverter.GetBytes(noise));
                var levels = InkMap.Thresholds(ink, noise);
                Add(hashes["thresholds"], levels is null ? [0] : [1, levels.Value.High, levels.Value.Low]);
                if (levels is not null)
                {
                    var (labels, components) = InkComponents.Find(ink, levels.Value.High);
                    Add(hashes["labels"], MemoryMarshal.AsBytes(labels.AsSpan()).ToArray());
                    foreach (var c in components)
                        Add(hashes["labels"], BitConverter.GetBytes(c.Label).Concat(BitConverter.GetBytes(c.Mass)).Concat(BitConverter.GetBytes(c.Area))
                            .Concat(BitConverter.GetBytes(c.Bounds.Left)).Concat(BitConverter.GetBytes(c.Bounds.Top))
                            .Concat(BitConverter.GetBytes(c.Bounds.Width)).Concat(BitConverter.GetBytes(c.Bounds.Height)).ToArray());
                    var chosen = InkComponents.SelectDigit(components);
                    Add(hashes["chosen"], chosen.Order().SelectMany(BitConverter.GetBytes).ToArray());
                    var mask = InkComponents.Grow(ink, labels, chosen, levels.Value.Low);
                    Add(hashes["mask"], mask.Select(m => m ? (byte)1 : (byte)0).ToArray());
                    Add(hashes["strokeLevel"], [DigitPreprocessor.StrokeLevel(ink, labels, chosen)]);
                }
                var isolated = DigitPreprocessor.IsolateDigit(image);
                if (isolated is null) Add(hashes["isolated"], [0]);
                else
                {
                    Add(hashes["isolated"], isolated);
                    Add(hashes["strokeWidth"], BitConverter.GetBytes(StrokeWidth.Estimate(isolated)));
                }
                var prepared = DigitPreprocessor.Prepare(image);
                if (prepared is null) Add(hashes["prepared"], [0]); else Add(hashes["prepared"], prepared);
                try { Add(hashes["files"], DigitImageFile.Prepare(file)); }
                catch (MnistException e) { Add(hashes["files"], System.Text.Encoding.UTF8.GetBytes(e.ErrorId)); }
            }
            var actual = hashes.ToDictionary(p => p.Key, p => Convert.ToHexString(p.Value.GetHashAndReset()));
            var differing = Recorded.Where(p => actual[p.Key] != p.Value).Select(p => $"{p.Key}: {actual[p.Key]}").ToList();
            Assert.True(differing.Count == 0, $"{files.Count} pictures; stages that changed:\n{string.Join("\n", differing)}");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The project's picture set (130 pictures: 10 of each kind, PNG and JPEG, colour, 64-400 pixels) and 39 more
    /// of the set's drawings saved as an 8-bit grayscale PNG, as a PNG with an alpha channel, and as 200x200 grey
    /// photos like bench/own_data.py's.
    /// </summary>
    private static List<string> WritePictures(string folder)
    {
        var split = TestData.Mnist.Test;
        var files = PictureSet.Write(split, folder, 130, seed: 1, overwrite: false).Select(e => Path.Combine(folder, e.File)).ToList();
        for (int index = 0; index < 13; index++)
        {
            var kind = PictureSet.Kinds[index % PictureSet.Kinds.Count];
            var picture = DigitPhotographer.Render(split.ImagePixels(index), kind, Draw.For(2, index));
            int pixels = picture.Width * picture.Height;
            var gray = new byte[pixels];
            var rgba = new byte[pixels * 4];
            for (int i = 0; i < pixels; i++)
            {
                byte r = picture.Rgb[3 * i], g = picture.Rgb[3 * i + 1], b = picture.Rgb[3 * i + 2];
                gray[i] = (byte)((r * 2 + g * 5 + b) / 8);
                int x = i % picture.Width, y = i / picture.Width;
                (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (r, g, b, (byte)(x * 7 + y * 3 < 120 ? (x * 7 + y * 3) * 2 : 255));
            }
            files.Add(Save(folder, $"gray-{index}.png", gray, picture.Width, picture.Height, SKColorType.Gray8, SKAlphaType.Opaque));
            files.Add(Save(folder, $"alpha-{index}.png", rgba, picture.Width, picture.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            files.Add(Save(folder, $"photo-{index}.png", GreyPhoto(split.ImagePixels(index), new Random(index)), 200, 200, SKColorType.Gray8, SKAlphaType.Opaque));
        }
        files.Add(Save(folder, "blank.png", Enumerable.Repeat((byte)200, 64 * 64).ToArray(), 64, 64, SKColorType.Gray8, SKAlphaType.Opaque));
        return files;
    }

    /// <summary>Dark ink scaled 3-6x at a random place on a light page with a gradient and noise, as bench/own_data.py draws.</summary>
    private static byte[] GreyPhoto(ReadOnlySpan<byte> digit, Random random)
    {
        var page = new byte[200 * 200];
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 200; x++)
                page[y * 200 + x] = (byte)Math.Clamp(215 + 25 * x * y / 40000.0 + (random.NextDouble() - 0.5) * 20, 0, 255);
        int scale = random.Next(3, 7), size = 28 * scale;
        int left = random.Next(0, 200 - size + 1), top = random.Next(0, 200 - size + 1);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int i = (top + y) * 200 + left + x;
                page[i] = Math.Min(page[i], (byte)(255 - digit[y / scale * 28 + x / scale]));
            }
        return page;
    }

    private static string Save(string folder, string name, byte[] pixels, int width, int height, SKColorType type, SKAlphaType alpha)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, alpha));
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static void Add(IncrementalHash hash, GrayImage image)
    {
        hash.AppendData(BitConverter.GetBytes(image.Width));
        hash.AppendData(BitConverter.GetBytes(image.Height));
        hash.AppendData(image.Pixels);
    }

    private static void Add(IncrementalHash hash, byte[] bytes)
    {
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }
}
