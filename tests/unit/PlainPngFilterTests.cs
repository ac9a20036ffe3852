using Mnist.Core.Imaging;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// <see cref="PlainPng.Unfilter"/> undoes every PNG row filter to the byte, in the first row (no row above) and below
/// it, for gray and RGB, on rows of random levels: every one of Paeth's three choices and every wrap-around is met.
/// </summary>
public class PlainPngFilterTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(1, 3)]
    [InlineData(1, 4)]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 3)]
    [InlineData(3, 4)]
    public void Undoes_each_filter_from_the_first_row_on(int bytesPerPixel, int firstFilter)
    {
        const int width = 203, height = 40;
        int stride = 1 + width * bytesPerPixel;
        var random = new Random(bytesPerPixel * 10 + firstFilter);
        var lines = new byte[height][];
        var raw = new byte[stride * height];
        var previous = new byte[stride - 1];
        for (int y = 0; y < height; y++)
        {
            // Flat runs, smooth ramps and noise, so each filter predicts well somewhere and badly elsewhere.
            var line = new byte[stride - 1];
            for (int x = 0; x < line.Length; x++)
                line[x] = (y % 3) switch { 0 => (byte)random.Next(256), 1 => (byte)(x / 7 * 9 + y), _ => (byte)(200 + random.Next(-3, 4)) };
            int filter = (firstFilter + y) % 5;
            raw[y * stride] = (byte)filter;
            Filter(line, y == 0 ? null : previous, bytesPerPixel, filter).CopyTo(raw.AsSpan(y * stride + 1));
            lines[y] = line;
            previous = line;
        }

        Assert.True(PlainPng.Unfilter(raw, stride, bytesPerPixel, height));

        for (int y = 0; y < height; y++)
            Assert.True(raw.AsSpan(y * stride + 1, stride - 1).SequenceEqual(lines[y]), $"row {y} (filter {raw[y * stride]})");
    }

    [Fact]
    public void Refuses_a_filter_type_PNG_does_not_have()
    {
        var raw = new byte[2 * 11];
        raw[11] = 5;
        Assert.False(PlainPng.Unfilter(raw, 11, 1, 2));
    }

    /// <summary>The PNG specification's filters, byte by byte (the row above is zeros in the first row).</summary>
    private static byte[] Filter(byte[] line, byte[]? above, int bpp, int filter)
    {
        var result = new byte[line.Length];
        for (int x = 0; x < line.Length; x++)
        {
            int left = x >= bpp ? line[x - bpp] : 0, up = above?[x] ?? 0, upLeft = x >= bpp && above is not null ? above[x - bpp] : 0;
            int p = left + up - upLeft, pa = Math.Abs(p - left), pb = Math.Abs(p - up), pc = Math.Abs(p - upLeft);
            int predicted = filter switch
            {
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft,
                _ => 0,
            };
            result[x] = (byte)(line[x] - predicted);
        }
        return result;
    }
}
