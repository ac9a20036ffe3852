using System.Buffers.Binary;
using System.Diagnostics;
using Mnist.Core.Imaging;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Pictures made hostile in the test: truncated in every format, and a PNG carrying one huge ancillary chunk.</summary>
public class HostilePictureTests
{
    private const int Side = 120;

    private static string TempFile(string extension) =>
        Path.Combine(Path.GetTempPath(), "mnist-hostile-" + Guid.NewGuid().ToString("N") + extension);

    /// <summary>A dark bar on white paper: true where the ink is.</summary>
    private static bool Ink(int x, int y) => x is >= 50 and < 70 && y is >= 20 and < 100;

    private static byte[] Encode(string format) => format switch
    {
        "png" => Skia(SKEncodedImageFormat.Png),
        "jpg" => Skia(SKEncodedImageFormat.Jpeg),
        "webp" => Skia(SKEncodedImageFormat.Webp),
        "bmp" => Bmp(),
        "gif" => Gif(),
        _ => throw new ArgumentException(format),
    };

    private static byte[] Skia(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(Side, Side);
        for (int y = 0; y < Side; y++)
        for (int x = 0; x < Side; x++)
            // Noise in the paper keeps the encoders from compressing it to almost nothing, so a cut lands in the pixels.
            bitmap.SetPixel(x, y, Ink(x, y) ? SKColors.Black : new SKColor((byte)(230 + (x * 7 + y * 13) % 25), (byte)(230 + (x * 11 + y * 3) % 25), 240));
        return bitmap.Encode(format, 90).ToArray();
    }

    /// <summary>A 24-bit BMP (SkiaSharp encodes none).</summary>
    private static byte[] Bmp()
    {
        int stride = (Side * 3 + 3) & ~3;
        var bytes = new byte[54 + stride * Side];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), Side);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), Side);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * Side);
        for (int row = 0; row < Side; row++)
        for (int x = 0; x < Side; x++)
        {
            byte value = Ink(x, Side - 1 - row) ? (byte)0 : (byte)255;
            bytes.AsSpan(54 + row * stride + x * 3, 3).Fill(value);
        }
        return bytes;
    }

    /// <summary>A two-colour GIF whose LZW stream sends a clear code before every pixel, so codes stay 3 bits (SkiaSharp encodes no GIF).</summary>
    private static byte[] Gif()
    {
        var output = new MemoryStream();
        output.Write("GIF89a"u8);
        output.Write(new byte[] { Side, 0, Side, 0, 0x80, 0, 0, 255, 255, 255, 0, 0, 0 });
        output.Write(new byte[] { 0x2C, 0, 0, 0, 0, Side, 0, Side, 0, 0, 2 });
        var codes = new List<byte>();
        int bits = 0, buffer = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8) { codes.Add((byte)buffer); buffer >>= 8; bits -= 8; }
        }
        for (int y = 0; y < Side; y++)
        for (int x = 0; x < Side; x++)
        {
            Emit(4);
            Emit(Ink(x, y) ? 1 : 0);
        }
        Emit(5);
        if (bits > 0) codes.Add((byte)buffer);
        for (int i = 0; i < codes.Count; i += 255)
        {
            int n = Math.Min(255, codes.Count - i);
            output.WriteByte((byte)n);
            output.Write(codes.GetRange(i, n).ToArray());
        }
        output.WriteByte(0);
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("webp")]
    [InlineData("bmp")]
    [InlineData("gif")]
    public void A_whole_picture_is_read_but_the_same_picture_cut_short_is_ImageUnreadable_naming_the_file(string format)
    {
        var whole = Encode(format);
        var good = TempFile("." + format);
        var cut = TempFile("." + format);
        File.WriteAllBytes(good, whole);
        File.WriteAllBytes(cut, whole[..(whole.Length * 6 / 10)]);

        var error = Assert.Throws<MnistException>(() => DigitImageFile.Prepare(cut));
        Assert.Equal("ImageUnreadable", error.ErrorId);
        Assert.Equal(cut, error.Target);
        Assert.Contains(cut, error.Message);

        // The whole file right after it still reads, ink where the bar is.
        var gray = DigitImageFile.ReadGray(good);
        Assert.Equal((Side, Side), (gray.Width, gray.Height));
        Assert.True(gray.Pixels[60 * Side + 60] < 80, $"the bar is dark in the {format}");
        Assert.True(gray.Pixels[5 * Side + 5] > 200, $"the paper is light in the {format}");
    }

    [Fact]
    public void A_PNG_with_a_16_MB_ancillary_chunk_reads_in_well_under_a_second_with_the_same_pixels()
    {
        var png = Skia(SKEncodedImageFormat.Png);
        // One private ancillary chunk ('abCd', lower-case first letter) of 16 MB right after IHDR: 40 s before the fix.
        var padded = new MemoryStream();
        padded.Write(png, 0, 33);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, 16 << 20);
        padded.Write(length);
        padded.Write("abCd"u8);
        padded.Write(new byte[16 << 20]);
        padded.Write(new byte[4]);
        padded.Write(png, 33, png.Length - 33);
        var path = TempFile(".png");
        File.WriteAllBytes(path, padded.ToArray());

        var clock = Stopwatch.StartNew();
        var gray = DigitImageFile.ReadGray(path);
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:N0} ms");
        Assert.Equal(DigitImageFile.DecodeGray(new MemoryStream(png), "whole").Pixels, gray.Pixels);
    }

    [Fact]
    public void A_picture_file_larger_than_the_byte_limit_is_ImageTooLarge_before_it_is_read()
    {
        var path = TempFile(".png");
        using (var file = File.Create(path))
        {
            file.Write(Skia(SKEncodedImageFormat.Png));
            file.SetLength(InputLimits.MaxPictureBytes + 1); // sparse: nothing is written
        }
        var error = Assert.Throws<MnistException>(() => DigitImageFile.ReadGray(path));
        Assert.Equal("ImageTooLarge", error.ErrorId);
        Assert.Equal(path, error.Target);
    }

    [Fact]
    public void A_stream_longer_than_the_byte_limit_is_refused_after_the_limit_not_at_its_end()
    {
        // A stream that cannot seek (so its length is unknown) and never ends.
        var error = Assert.Throws<MnistException>(() => DigitImageFile.DecodeGray(new EndlessStream(), "endless.png"));
        Assert.Equal("ImageTooLarge", error.ErrorId);
        Assert.Equal("endless.png", error.Target);
    }

    [Fact]
    public void Decoding_stops_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => DigitImageFile.DecodeGray(new EndlessStream(), "endless.png", cancel.Token));
    }

    private sealed class EndlessStream : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) { Array.Clear(buffer, offset, count); return count; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
