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
    /// <summary>
    /// SHA-256 of each stage's outputs over the set, as the chain gave them before it was optimised. The decode and the
    /// stages after it were recorded again once, unchanged in the optimised chain, after the bounded reads of the
    /// untrusted-input work began decoding pictures with alpha unpremultiplied (main before the optimisation gave the
    /// same new hashes).
    /// </summary>
    private static readonly Dictionary<string, string> Recorded = new()
    {
        ["decode"] = "EE1573D8EB902429A0592F86F44E2B31B400C7940C77F26BB15105F4C73ECA4A",
        ["background"] = "65239BE5BF6748E2BA352ACEE32BA035AC782C87D2A1193EF87A6DEFF76AF523",
        ["ink"] = "685F536C52DB96932DC8BBA11FC7BC0DF4259933611408120C2E1252585313DE",
        ["noise"] = "7F0C027B2D8AD2F87AF8EEB4E9A1088D3E4D1B33444CDD5807AF955DE731B0FA",
        ["thresholds"] = "B22B8F1D9B66CB58C2AAD76326F1254FEA896F9A9B70CAF5171A5AB2C2782DE9",
        ["labels"] = "C9EB6E30AB4C3957A4EA4E2378E07B1B51D120FAC6671FBCED93E1BB54CFC64D",
        ["chosen"] = "13CFAAE6EAE89769E9229DB9053CA43A9353D5A5948B6F79E5F49811C43E0F85",
        ["mask"] = "CB41AA8923AC0AE4067102B787E6578D7C6E3D3EA17F0ABB35693964C093B15D",
        ["strokeLevel"] = "0587FB754AF1068A78C7DA608024255B1DBE11AD4E076874E9103CC74B6434A0",
        ["isolated"] = "2D0F90A5C31895B4569DDDF1EC4805954867E4F020E76E1D0366F522E592E8DF",
        ["strokeWidth"] = "85AC479F893CEF4C30A22BD2FCF51E0889A9E361E65528CD4377961C3A63AB8B",
        ["prepared"] = "51834E776132B1538FAD2C9B75DD861E18B46C8E666ED5DA29038BA726564804",
        ["files"] = "7D8902075A8F4F661ADEF8325824E2AA5F6A2B2F6DABCB2599DE2B2027C4399C",
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
