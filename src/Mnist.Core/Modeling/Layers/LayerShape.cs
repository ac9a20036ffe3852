namespace Mnist.Core.Modeling.Layers;

/// <summary>
/// What one image is between two layers: an image (rows, columns, channels) or a flat vector of features. The
/// network's input is the data's image, held flat as the data holds it: a Dense layer takes it flattened, as the
/// notebook's reshape to 784 does; image layers see it as (rows, columns, 1).
/// </summary>
public sealed record LayerShape(int Rows, int Columns, int Channels, long Features, bool IsImage, bool IsInput = false)
{
    public static LayerShape Image(int rows, int columns, int channels, bool isInput = false) =>
        new(rows, columns, channels, (long)rows * columns * channels, true, isInput);

    public static LayerShape Flat(long features) => new(0, 0, 0, features, false);

    /// <summary>Keras' text, channels-last: (None, 26, 26, 32) or (None, 128).</summary>
    public string KerasText => IsImage ? $"(None, {Rows}, {Columns}, {Channels})" : $"(None, {Features})";

    /// <summary>The values per image.</summary>
    public long Size => Features;
}
