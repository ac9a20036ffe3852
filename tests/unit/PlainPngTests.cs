using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mnist.Core.Imaging;
using Mnist.Core.Imaging.Pictures;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// The fast decode of plain PNGs (<see cref="PlainPng"/>) gives SkiaSharp's bytes to the bit, and every other picture,
/// or a plain one with anything out of the ordinary, is left to SkiaSharp, whose picture or error then stands.
/// </summary>
public class PlainPngTests
{
    [Fact]
    public void The_picture_sets_decode_to_SkiaSharps_bytes_with_the_plain_PNGs_on_the_fast_path()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mnist-plain-png-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = PictureSet.Write(TestData.Mnist.Test, folder, 60, seed: 3, overwrite: false).Select(e => Path.Combine(folder, e.File)).ToList();
            var pictures = files.Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToList();
            for (int index = 0; index < 6; index++)
            {
                var picture = DigitPhotographer.Render(TestData.Mnist.Test.ImagePixels(index), PictureSet.Kinds[index % PictureSet.Kinds.Count], Draw.For(4, index));
                var (gray, rgba) = GrayAndTranslucent(picture);
                pictures.Add(($"gray-{index}.png", Encode(gray, picture.Width, picture.Height, SKColorType.Gray8, SKAlphaType.Opaque)));
                pictures.Add(($"alpha-{index}.png", Encode(rgba, picture.Width, picture.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul)));
            }
            int fast = 0;
            foreach (var (name, bytes) in pictures)
            {
                var skia = DigitImageFile.DecodeWithSkia(bytes, name);
                if (PlainPng.TryDecode(bytes) is { } plain)
                {
                    fast++;
                    Assert.True(Same(skia, plain), $"{name}: the fast decode differs from SkiaSharp's");
                }
                Assert.True(Same(skia, DigitImageFile.DecodeGray(new MemoryStream(bytes), name)), name);
            }
            // The colour PNGs without alpha (SkiaSharp writes them as RGB) and the gray ones take the fast path; JPEGs and alpha do not.
            int plainPngs = pictures.Count(p => p.Name.EndsWith(".png") && !p.Name.StartsWith("alpha"));
            Assert.InRange(fast, 6, plainPngs);
            Assert.DoesNotContain(pictures, p => !p.Name.EndsWith(".png") && PlainPng.TryDecode(p.Bytes) is not null);
            Assert.DoesNotContain(pictures, p => p.Name.StartsWith("alpha") && PlainPng.TryDecode(p.Bytes) is not null);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string> FastCases => new(Cases.Where(c => c.Value.Fast).Select(c => c.Key));
    public static TheoryData<string> LeftCases => new(Cases.Where(c => !c.Value.Fast).Select(c => c.Key));

    [Theory]
    [MemberData(nameof(FastCases))]
    public void A_plain_PNG_decodes_on_the_fast_path_to_SkiaSharps_bytes(string name)
    {
        var bytes = Cases[name].Bytes();
        var plain = PlainPng.TryDecode(bytes);
        Assert.NotNull(plain);
        Assert.True(Same(DigitImageFile.DecodeWithSkia(bytes, name), plain));
    }

    [Theory]
    [MemberData(nameof(LeftCases))]
    public void Any_other_PNG_is_left_to_SkiaSharp_whose_picture_or_error_stands(string name)
    {
        var bytes = Cases[name].Bytes();
        Assert.Null(PlainPng.TryDecode(bytes));
        Assert.Equal(Outcome(() => DigitImageFile.DecodeWithSkia(bytes, name)), Outcome(() => DigitImageFile.DecodeGray(new MemoryStream(bytes), name)));
    }

    private static readonly Dictionary<string, (bool Fast, Func<byte[]> Bytes)> Cases = new()
    {
        ["gray, every filter type"] = (true, () => Png.Build(37, 23, Png.Gray)),
        ["RGB, every filter type"] = (true, () => Png.Build(29, 31, Png.Rgb)),
        ["gray 1x1"] = (true, () => Png.Build(1, 1, Png.Gray)),
        ["RGB in a single column"] = (true, () => Png.Build(1, 17, Png.Rgb)),
        ["gray in three IDAT chunks"] = (true, () => Png.Build(40, 40, Png.Gray, dataChunks: 3)),
        ["gray with gamma, chromaticities, sRGB, size, time, significant bits and background"] = (true, () => Png.Build(30, 20, Png.Gray, ancillary:
            [("gAMA", Png.BigEndian(20000)), ("cHRM", new byte[32]), ("sRGB", [0]), ("pHYs", new byte[9]), ("tIME", new byte[7]), ("sBIT", [4]), ("bKGD", [0, 0])])),
        ["RGB with gamma 2.2 and sRGB"] = (true, () => Png.Build(30, 20, Png.Rgb, ancillary: [("gAMA", Png.BigEndian(220000)), ("sRGB", [0])])),
        ["16-bit gray"] = (false, () => Png.Build(30, 20, Png.Gray, bitDepth: 16)),
        ["16-bit RGB"] = (false, () => Png.Build(30, 20, Png.Rgb, bitDepth: 16)),
        ["palette"] = (false, () => Png.Build(30, 20, Png.Palette, ancillary: [("PLTE", Enumerable.Range(0, 768).Select(i => (byte)(i / 3)).ToArray())])),
        ["gray with alpha"] = (false, () => Png.Build(30, 20, Png.GrayAlpha)),
        ["RGBA"] = (false, () => Png.Build(30, 20, Png.Rgba)),
        ["gray with a transparent level (tRNS)"] = (false, () => Png.Build(30, 20, Png.Gray, ancillary: [("tRNS", [0, 200])])),
        ["RGB with a suggested palette"] = (false, () => Png.Build(30, 20, Png.Rgb, ancillary: [("PLTE", new byte[30])])),
        ["gray with an ICC profile"] = (false, () => Png.Build(30, 20, Png.Gray, ancillary: [("iCCP", [(byte)'x', 0, 0, 120, 156, 3, 0, 0, 0, 0, 1])])),
        ["gray with text"] = (false, () => Png.Build(30, 20, Png.Gray, ancillary: [("tEXt", "Comment\0hello"u8.ToArray())])),
        ["gray with a gamma chunk of the wrong size"] = (false, () => Png.Build(30, 20, Png.Gray, ancillary: [("gAMA", [1, 2])])),
        ["a bad Adler-32"] = (false, () => Png.Build(30, 20, Png.Gray, tamper: Png.Tamper.Adler)),
        ["a bad IDAT CRC"] = (false, () => Png.Build(30, 20, Png.Gray, tamper: Png.Tamper.DataCrc)),
        ["a bad IEND CRC"] = (false, () => Png.Build(30, 20, Png.Gray, tamper: Png.Tamper.EndCrc)),
        ["rows missing from the stream"] = (false, () => Png.Build(30, 20, Png.Gray, tamper: Png.Tamper.ShortStream)),
        ["a row too many in the stream"] = (false, () => Png.Build(30, 20, Png.Gray, tamper: Png.Tamper.LongStream)),
        ["a filter type PNG does not have"] = (false, () => Png.Build(30, 20, Png.Gray, tamper: Png.Tamper.BadFilter)),
        ["bytes after IEND"] = (false, () => [.. Png.Build(30, 20, Png.Gray), 1, 2, 3]),
        ["no IEND"] = (false, () => Png.Build(30, 20, Png.Gray)[..^12]),
        ["an empty IDAT"] = (false, () => Png.Build(30, 20, Png.Gray, ancillary: [("IDAT", [])])),
        ["an unknown critical chunk"] = (false, () => Png.Build(30, 20, Png.Gray, ancillary: [("ABCD", [1])])),
    };

    /// <summary>A hand-made PNG whose rows cycle through the five filter types, so each is undone somewhere.</summary>
    private static class Png
    {
        public const byte Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6;

        public enum Tamper { None, Adler, DataCrc, EndCrc, ShortStream, LongStream, BadFilter }

        public static byte[] BigEndian(int value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            return bytes;
        }

        public static byte[] Build(int width, int height, byte colourType, int bitDepth = 8, int dataChunks = 1,
            (string Type, byte[] Data)[]? ancillary = null, Tamper tamper = Tamper.None)
        {
            int channels = colourType switch { Rgb => 3, GrayAlpha => 2, Rgba => 4, _ => 1 };
            int bytesPerPixel = channels * bitDepth / 8, stride = width * bytesPerPixel;
            var random = new Random(width * 31 + height);
            int rows = height + (tamper == Tamper.LongStream ? 1 : 0) - (tamper == Tamper.ShortStream ? 3 : 0);
            var raw = new MemoryStream();
            var previous = new byte[stride];
            for (int y = 0; y < rows; y++)
            {
                var line = new byte[stride];
                for (int x = 0; x < stride; x++) line[x] = (byte)(colourType == Palette ? random.Next(256) : 128 + 100 * Math.Sin(x * 0.3 + y * 0.2) + random.Next(-20, 21));
                int filter = y % 5;
                raw.WriteByte(tamper == Tamper.BadFilter && y == 2 ? (byte)5 : (byte)filter);
                raw.Write(Filter(line, previous, bytesPerPixel, filter));
                previous = line;
            }
            var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw.ToArray());
            var stream = compressed.ToArray();
            if (tamper == Tamper.Adler) stream[^1] ^= 0x55;

            var png = new MemoryStream();
            png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
            var header = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(header, width);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
            (header[8], header[9]) = ((byte)bitDepth, colourType);
            Chunk(png, "IHDR", header);
            foreach (var (type, data) in ancillary ?? []) Chunk(png, type, data);
            int part = (stream.Length + dataChunks - 1) / dataChunks;
            for (int start = 0; start < stream.Length; start += part)
                Chunk(png, "IDAT", stream[start..Math.Min(stream.Length, start + part)], tamper == Tamper.DataCrc);
            Chunk(png, "IEND", [], tamper == Tamper.EndCrc);
            return png.ToArray();
        }

        private static byte[] Filter(byte[] line, byte[] previous, int bpp, int filter)
        {
            var result = new byte[line.Length];
            for (int x = 0; x < line.Length; x++)
            {
                int left = x >= bpp ? line[x - bpp] : 0, up = previous[x], upLeft = x >= bpp ? previous[x - bpp] : 0;
                int predicted = filter switch
                {
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => 0,
                };
                result[x] = (byte)(line[x] - predicted);
            }
            return result;
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }

        private static void Chunk(Stream png, string type, byte[] data, bool badCrc = false)
        {
            png.Write(BigEndian(data.Length));
            var typeAndData = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.Write(typeAndData);
            png.Write(BigEndian((int)(Crc32.HashToUInt32(typeAndData) ^ (badCrc ? 1u : 0u))));
        }
    }

    private static (byte[] Gray, byte[] Rgba) GrayAndTranslucent(RenderedPicture picture)
    {
        int pixels = picture.Width * picture.Height;
        var gray = new byte[pixels];
        var rgba = new byte[pixels * 4];
        for (int i = 0; i < pixels; i++)
        {
            byte r = picture.Rgb[3 * i], g = picture.Rgb[3 * i + 1], b = picture.Rgb[3 * i + 2];
            gray[i] = (byte)((r * 2 + g * 5 + b) / 8);
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (r, g, b, (byte)(i % 7 == 0 ? 90 : 255));
        }
        return (gray, rgba);
    }

    private static byte[] Encode(byte[] pixels, int width, int height, SKColorType type, SKAlphaType alpha)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, alpha));
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static bool Same(GrayImage a, GrayImage b) => a.Width == b.Width && a.Height == b.Height && a.Pixels.AsSpan().SequenceEqual(b.Pixels);

    /// <summary>The decoded picture's size and hash, or the error's id.</summary>
    private static string Outcome(Func<GrayImage> decode)
    {
        try
        {
            var image = decode();
            return $"{image.Width}x{image.Height} {Convert.ToHexString(SHA256.HashData(image.Pixels))}";
        }
        catch (MnistException e)
        {
            return e.ErrorId;
        }
    }
}
