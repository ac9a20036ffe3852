using System.Runtime.CompilerServices;
using Mnist.Core.Persistence;
using SkiaSharp;

namespace Mnist.Core.Imaging;

/// <summary>Reads a picture file (PNG, JPEG, BMP, GIF, WebP: whatever SkiaSharp decodes) and prepares it as an MNIST digit.</summary>
public static class DigitImageFile
{
    /// <summary>The file's 28x28 MNIST-style pixels (0 = background, 255 = ink).</summary>
    public static byte[] Prepare(string path, CancellationToken cancel = default)
    {
        var prepared = DigitPreprocessor.Prepare(ReadGray(path, cancel))
            ?? throw new MnistException("ImageBlank", MnistErrorKind.InvalidData,
                $"The image '{path}' holds no digit: it is a single flat colour.", path);
        return prepared.Pixels;
    }

    /// <summary>The file as grayscale; transparent pixels count as white paper.</summary>
    public static GrayImage ReadGray(string path, CancellationToken cancel = default)
    {
        PathChecks.Validate(path);
        if (Directory.Exists(path))
            throw new MnistException("ImageNotFound", MnistErrorKind.NotFound, $"'{path}' is a folder, not an image file.", path);
        if (!File.Exists(path))
            throw new MnistException("ImageNotFound", MnistErrorKind.NotFound, $"The image file '{path}' does not exist.", path);
        try
        {
            using var stream = InputFile.OpenRead(path);
            return DecodeGray(stream, path, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData, $"The image file '{path}' cannot be read: {e.Message}", path, e);
        }
    }

    /// <summary>
    /// Decodes a picture already read (or being read) from <paramref name="path"/>, which only names it in errors.
    /// Callers that hash a file's bytes before decoding them (the picture-folder import) decode from those bytes.
    /// The stream is read whole into memory first, at most <see cref="InputLimits.MaxPictureBytes"/> and for at most
    /// <see cref="InputLimits.MaxPictureReadTime"/>, checking <paramref name="cancel"/> between blocks: SkiaSharp's
    /// decoders, reading from a managed stream, take time growing with the square of a large ancillary chunk, and a
    /// native decode cannot be interrupted; from memory they are linear and short. A picture that ends before its
    /// pixels do (truncated) is refused rather than completed with filler.
    /// </summary>
    public static GrayImage DecodeGray(Stream stream, string path, CancellationToken cancel = default)
    {
        var bytes = ReadBounded(stream, path, cancel);
        return Decode(PngChunks.WithoutLargeAncillaryChunks(bytes), path);
    }

    private static GrayImage Decode(byte[] bytes, string path) => PlainPng.TryDecode(bytes) ?? DecodeWithSkia(bytes, path);

    /// <summary>The decode through SkiaSharp that defines every picture's bytes (a plain PNG's fast decode gives the same).</summary>
    internal static unsafe GrayImage DecodeWithSkia(byte[] bytes, string path)
    {
        fixed (byte* start = bytes)
        {
            using var data = SKData.Create((IntPtr)start, bytes.Length);
            using var codec = data is null ? null : SKCodec.Create(data);
            if (codec is null) throw NotAnImage(path);
            // The size comes from the header; it is checked before a single pixel is decoded.
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width <= 0 || height <= 0 || (long)width * height > InputLimits.MaxPicturePixels)
                throw new MnistException("ImageTooLarge", MnistErrorKind.LimitsExceeded,
                    $"The image '{path}' is {width:N0}x{height:N0} pixels; pictures up to {InputLimits.MaxPicturePixels / (1 << 20)} megapixels are read (scale it down first).", path);
            if (OpaqueDecode.TryDecode(codec) is { } opaque) return opaque;
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var rgba = new byte[info.BytesSize64];
            SKCodecResult result;
            fixed (byte* pixels = rgba) result = codec.GetPixels(info, (IntPtr)pixels);
            return result switch
            {
                SKCodecResult.Success => ToGray(rgba, width, height),
                SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData,
                    $"The image '{path}' is truncated or damaged: its {codec.EncodedFormat} data ends before all {width:N0}x{height:N0} pixels ({result}).", path),
                _ => throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData,
                    $"The image '{path}' cannot be decoded ({codec.EncodedFormat}: {result}).", path),
            };
        }
    }

    /// <summary>
    /// The whole stream, refused beyond <see cref="InputLimits.MaxPictureBytes"/> (by its length when it has one, before
    /// reading) or <see cref="InputLimits.MaxPictureReadTime"/>. A file is read into one array of its size; a memory
    /// stream over a whole array (the picture-folder import's bytes) is decoded from that array, not copied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte[] ReadBounded(Stream stream, string path, CancellationToken cancel)
    {
        long limit = InputLimits.MaxPictureBytes;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (stream.CanSeek)
        {
            long length = stream.Length - stream.Position;
            if (length > limit) throw TooManyBytes(path, length);
            if (stream is MemoryStream memory && memory.Position == 0 && memory.TryGetBuffer(out var whole)
                && whole.Offset == 0 && whole.Array is { } array && whole.Count == array.Length)
                return array;
            var bytes = new byte[length];
            int done = 0;
            while (done < bytes.Length)
            {
                int read = stream.Read(bytes, done, Math.Min(1 << 20, bytes.Length - done));
                if (read == 0) break; // shorter than it said: the decoder judges what is there
                done += read;
                CheckReading(path, cancel, clock);
            }
            return done == bytes.Length ? bytes : bytes[..done];
        }
        using var buffer = new MemoryStream();
        var block = new byte[81920];
        int got;
        while ((got = stream.Read(block, 0, block.Length)) > 0)
        {
            if (buffer.Length + got > limit) throw TooManyBytes(path, null);
            buffer.Write(block, 0, got);
            CheckReading(path, cancel, clock);
        }
        return buffer.ToArray();
    }

    private static void CheckReading(string path, CancellationToken cancel, System.Diagnostics.Stopwatch clock)
    {
        cancel.ThrowIfCancellationRequested();
        if (clock.Elapsed > InputLimits.MaxPictureReadTime)
            throw new MnistException("ImageTooLarge", MnistErrorKind.LimitsExceeded,
                $"Reading the image '{path}' took more than {InputLimits.MaxPictureReadTime.TotalSeconds:0} s; it was abandoned.", path);
    }

    private static MnistException TooManyBytes(string path, long? length) =>
        new("ImageTooLarge", MnistErrorKind.LimitsExceeded,
            $"The image '{path}' is {(length is long l ? $"{l:N0} bytes" : "larger than that")}; picture files up to {InputLimits.MaxPictureBytes >> 20} MB are read.", path);

    private static MnistException NotAnImage(string path) =>
        new("ImageUnreadable", MnistErrorKind.InvalidData,
            $"The file '{path}' is not an image that can be decoded (PNG, JPEG, BMP, GIF or WebP expected).", path);

    private static GrayImage ToGray(byte[] rgba, int width, int height)
    {
        var pixels = new byte[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            int o = 4 * i;
            double luminance = 0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2];
            double alpha = rgba[o + 3] / 255.0;
            pixels[i] = (byte)Math.Round(luminance * alpha + 255 * (1 - alpha));
        }
        return new GrayImage(pixels, width, height);
    }
}
