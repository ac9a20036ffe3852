namespace Mnist.Core;

/// <summary>
/// The sizes the module accepts from files it reads (model files, IDX/npz data, pictures). Every reader checks
/// a file's declared sizes against these and against the file's real length before it allocates anything, so a
/// hostile or damaged file is refused with an error instead of taking the process to gigabytes. docs/errors.md
/// lists them and why.
/// </summary>
public static class InputLimits
{
    /// <summary>Weights a model may have: 200 MB of float32 (the notebook's model has 407,050; the CNN 1.2 million).</summary>
    public const long MaxModelParameters = 50_000_000;

    /// <summary>Hidden dense layers of an MLP, and units in each (New-MnistModel's own limits).</summary>
    public const int MaxHiddenLayers = 16;
    public const int MaxHiddenUnits = 65_536;

    /// <summary>Layers a network described layer by layer may have.</summary>
    public const int MaxLayers = 64;

    /// <summary>Output channels of one convolution, and the side of a convolution's kernel or a pooling's window.</summary>
    public const int MaxFilters = 4_096;
    public const int MaxKernelSide = 64;

    /// <summary>Values one layer may output per image (16 million floats, 64 MB per image of a batch).</summary>
    public const long MaxLayerOutputs = 16L << 20;

    /// <summary>Classes a model may have (New-MnistModel's limit).</summary>
    public const int MaxClasses = 1_000;

    /// <summary>Image side a model may take.</summary>
    public const int MaxInputSide = 1_024;

    /// <summary>A model file's model.json: a History of 100,000 epochs fits in a few MB.</summary>
    public const int MaxMetadataBytes = 16 << 20;

    /// <summary>A model file's generator state (libtorch's CPU generator state is 5,056 bytes).</summary>
    public const int MaxGeneratorStateBytes = 64 << 10;

    /// <summary>Names and tensor headers in weights.bin / optimizer.bin beyond the tensors' own data.</summary>
    public const int StateOverheadBytes = 1 << 20;

    /// <summary>
    /// A picture's width x height, read from its header before it is decoded: 16 megapixels (4096 x 4096) costs about
    /// 100 MB to decode and convert; a photo of a digit needs far less (it is scaled to 28x28 anyway).
    /// </summary>
    public const long MaxPicturePixels = 16L << 20;

    /// <summary>
    /// A picture file's bytes, read into memory before decoding: the largest picture the pixel limit admits, stored
    /// uncompressed at 32 bits per pixel (a 4096 x 4096 BMP), is 64 MB plus headers; anything beyond 80 MB is not
    /// pixels (a PNG's ancillary chunks, trailing data) and is refused before it is read.
    /// </summary>
    public const long MaxPictureBytes = 80L << 20;

    /// <summary>
    /// How long reading one picture file may take: a local disk reads 80 MB in well under a second; 30 s covers a slow
    /// network share and bounds one that trickles.
    /// </summary>
    public static readonly TimeSpan MaxPictureReadTime = TimeSpan.FromSeconds(30);

    /// <summary>Folder depth below a class folder that a picture-folder import walks (symbolic links to folders are never followed).</summary>
    public const int MaxPictureFolderDepth = 32;

    /// <summary>
    /// How much of a gzip-compressed IDX file's declared size is allocated before the data has been seen to exist.
    /// MNIST's training images are 47 MB; larger (or inconsistent) files are read in chunks and allocated as the
    /// data really arrives.
    /// </summary>
    public const int MaxGzipPreallocation = 64 << 20;

    /// <summary>Deflate's best ratio is about 1032:1; more declared content than that per compressed byte cannot be there.</summary>
    public const long MaxDeflateRatio = 1_032;
}
