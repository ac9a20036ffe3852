using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Mnist.Core.Data;
using Mnist.Core.Persistence;
using SkiaSharp;

namespace Mnist.Core.Imaging.Pictures;

/// <summary>One picture of the set: its file name (in the set's folder), true label, source and how it was made.</summary>
public sealed record PictureSetEntry(string File, int Label, int Index, PictureKind Kind, int Width, int Height);

/// <summary>
/// Writes a test set of picture files from MNIST digits: digit i of the split becomes picture i, of kind
/// i mod 13 (every <see cref="PictureKind"/> in turn), PNG or JPEG, 64-400 pixels a side, and <c>labels.csv</c>
/// records each file's true label. The same split, count and seed give byte-identical files.
/// </summary>
public static class PictureSet
{
    public const string ManifestName = "labels.csv";
    public const int MaxCount = 100_000;

    public static IReadOnlyList<PictureKind> Kinds { get; } = Enum.GetValues<PictureKind>();

    /// <summary>Writes <paramref name="count"/> pictures and the manifest into <paramref name="folder"/> (made if missing).</summary>
    public static IReadOnlyList<PictureSetEntry> Write(MnistSplit split, string folder, int count, long seed, bool overwrite,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        if (count < 1 || count > Math.Min(split.Count, MaxCount))
            throw new MnistException("PictureCountOutOfRange", MnistErrorKind.InvalidArgument,
                $"A picture set of {count} pictures cannot be made from the {split.Name} split's {split.Count:N0} digits; give 1-{Math.Min(split.Count, MaxCount):N0}.", count);
        if (split.PixelsPerImage != 28 * 28)
            throw new MnistException("PictureSourceNotDigits", MnistErrorKind.InvalidArgument,
                $"Pictures are drawn from 28x28 digits; the {split.Name} split's images are {split.Rows}x{split.Columns}.", split.Name);
        Directory.CreateDirectory(folder);
        var manifest = Path.Combine(folder, ManifestName);
        AtomicFile.CheckTarget(manifest, overwrite);

        var entries = new List<PictureSetEntry>(count);
        for (int index = 0; index < count; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            var kind = Kinds[index % Kinds.Count];
            int label = split.Labels[index];
            var picture = DigitPhotographer.Render(split.ImagePixels(index), kind, Draw.For(seed, index));
            var name = string.Create(CultureInfo.InvariantCulture, $"{index:D5}-{kind}-{label}.{(picture.Jpeg ? "jpg" : "png")}");
            var encoded = Encode(picture);
            AtomicFile.Write(Path.Combine(folder, name), stream => stream.Write(encoded), overwrite);
            entries.Add(new PictureSetEntry(name, label, index, kind, picture.Width, picture.Height));
            progress?.Report(index + 1);
        }
        var csv = new StringBuilder("File,Label,Index,Kind,Width,Height\n");
        foreach (var e in entries) csv.Append(CultureInfo.InvariantCulture, $"{e.File},{e.Label},{e.Index},{e.Kind},{e.Width},{e.Height}\n");
        AtomicFile.Write(manifest, stream => stream.Write(Encoding.UTF8.GetBytes(csv.ToString())), overwrite);
        return entries;
    }

    /// <summary>The picture as PNG or JPEG bytes.</summary>
    public static byte[] Encode(RenderedPicture picture)
    {
        var rgba = new byte[picture.Width * picture.Height * 4];
        for (int i = 0, o = 0; i < picture.Rgb.Length; i += 3, o += 4)
        {
            rgba[o] = picture.Rgb[i]; rgba[o + 1] = picture.Rgb[i + 1]; rgba[o + 2] = picture.Rgb[i + 2]; rgba[o + 3] = 255;
        }
        using var bitmap = new SKBitmap(new SKImageInfo(picture.Width, picture.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(picture.Jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, picture.Quality);
        return data.ToArray();
    }
}
