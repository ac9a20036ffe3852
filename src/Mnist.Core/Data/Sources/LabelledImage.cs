namespace Mnist.Core.Data.Sources;

/// <summary>Which split a source put an image in: its own layout's (train/ and test/, train.csv and test.csv) or none.</summary>
public enum SplitHint { None, Train, Test }

/// <summary>
/// One image read from a user's files, before it has a place in a split: its prepared pixels, its class, the SHA-256
/// of what it was read from (a picture file's bytes, a CSV row's pixels), which decides its split and its order, and
/// the split its source gave it, if any.
/// </summary>
public sealed record LabelledImage(byte[] Pixels, int Label, byte[] ContentHash, SplitHint Split = SplitHint.None)
{
    /// <summary>The content hash as a number in [0, 1): where the image falls for a content-decided split.</summary>
    public double SplitPoint => (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ContentHash) >> 11) * (1.0 / (1UL << 53));
}
