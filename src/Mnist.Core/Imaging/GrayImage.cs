namespace Mnist.Core.Imaging;

/// <summary>A grayscale image, row-major, one byte per pixel.</summary>
public sealed record GrayImage(byte[] Pixels, int Width, int Height)
{
    public byte this[int x, int y] => Pixels[y * Width + x];
}
