using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Training;

/// <summary>
/// Random affine changes of a training batch, on tensors: per image a rotation, shear, scale and shift drawn from the
/// model's own generator (so a seeded run repeats bitwise), applied by affine_grid and bilinear grid_sample with zeros
/// outside the image. Takes and returns the model's input layout, (N, rows*cols) pixels in [0, 1].
/// </summary>
public sealed class BatchAugmenter
{
    private readonly AugmentationOptions _options;
    private readonly int _rows;
    private readonly int _columns;
    private readonly Generator _generator;

    public BatchAugmenter(AugmentationOptions options, int rows, int columns, Generator generator)
    {
        if (options.Problem() is { } problem)
            throw new MnistException("InvalidTrainingOption", MnistErrorKind.InvalidArgument, $"Augmentation {problem}.", "Augmentation");
        _options = options;
        _rows = rows;
        _columns = columns;
        _generator = generator;
    }

    /// <summary>A randomly changed copy of the batch (the tensors it makes belong to the caller's dispose scope).</summary>
    public Tensor Apply(Tensor batch)
    {
        long n = batch.shape[0];
        // One draw of five uniform numbers in [-1, 1) per image: rotation, shear, scale, shift x, shift y.
        var u = rand(new long[] { n, 5 }, generator: _generator).mul_(2).sub_(1);
        double degrees = Math.PI / 180;
        return Transform(batch, _rows, _columns,
            rotation: u.select(1, 0) * (_options.RotationDegrees * degrees),
            shear: u.select(1, 1) * (_options.ShearDegrees * degrees),
            scale: u.select(1, 2) * _options.Scale + 1,
            shiftX: u.select(1, 3) * _options.ShiftPixels,
            shiftY: u.select(1, 4) * _options.ShiftPixels);
    }

    /// <summary>
    /// Moves each image's content by its own change (all (N) tensors; radians, a zoom factor and pixels, +x right and
    /// +y down): content at p relative to the image centre goes to R(rotation) Shear(shear) scale p + shift.
    /// </summary>
    public static Tensor Transform(Tensor batch, int rows, int columns, Tensor rotation, Tensor shear, Tensor scale, Tensor shiftX, Tensor shiftY)
    {
        long n = batch.shape[0];
        // grid_sample looks up, for each output pixel, where it comes from: the inverse change,
        // M = (1/scale) Shear(-shear) R(-rotation), and the source is M (p - shift).
        var cos = rotation.cos();
        var sin = rotation.sin();
        var tan = shear.tan();
        var m00 = (cos + tan * sin) / scale;
        var m01 = (sin - tan * cos) / scale;
        var m10 = -sin / scale;
        var m11 = cos / scale;
        // affine_grid works in coordinates normalised to [-1, 1] per axis (x by columns/2, y by rows/2).
        double halfX = columns / 2.0, halfY = rows / 2.0;
        var theta = stack(new[]
        {
            m00, m01 * (halfY / halfX), -(m00 * shiftX + m01 * shiftY) / halfX,
            m10 * (halfX / halfY), m11, -(m10 * shiftX + m11 * shiftY) / halfY,
        }, dim: 1).view(n, 2, 3).to_type(batch.dtype);
        var grid = nn.functional.affine_grid(theta, new long[] { n, 1, rows, columns }, align_corners: false);
        var images = batch.reshape(n, 1, rows, columns);
        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false)
            .reshape(n, (long)rows * columns);
    }
}
