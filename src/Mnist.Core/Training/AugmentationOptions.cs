using System.Globalization;

namespace Mnist.Core.Training;

/// <summary>
/// The ranges of the random affine change each training image gets per batch (see <see cref="BatchAugmenter"/>):
/// each value is drawn uniformly from [-range, range] (the scale from [1 - range, 1 + range]). The defaults are the
/// usual MNIST recipe, small enough that a digit stays itself (a 6 rotated by 10 degrees is still a 6, not a 9) and
/// inside the 28x28 frame (MNIST digits sit in a 20x20 box with a 4-pixel margin, so a 2-pixel shift keeps them whole).
/// </summary>
public sealed record AugmentationOptions
{
    public const double MaxRotationDegrees = 180;
    public const double MaxShiftPixels = 14;
    public const double MaxScale = 0.5;
    public const double MaxShearDegrees = 45;

    /// <summary>Rotation about the image centre, up to this many degrees either way.</summary>
    public double RotationDegrees { get; init; } = 10;

    /// <summary>Shift, up to this many pixels in each direction (horizontal and vertical drawn apart).</summary>
    public double ShiftPixels { get; init; } = 2;

    /// <summary>Zoom by a factor in [1 - Scale, 1 + Scale].</summary>
    public double Scale { get; init; } = 0.1;

    /// <summary>Horizontal shear, up to this many degrees either way.</summary>
    public double ShearDegrees { get; init; } = 10;

    /// <summary>What is wrong with these ranges (NaN, negative, too large), or null; also used on ranges read from a model file.</summary>
    public string? Problem() =>
        Bad(RotationDegrees, MaxRotationDegrees) ? $"RotationDegrees must be in [0, {MaxRotationDegrees}], not {RotationDegrees}"
        : Bad(ShiftPixels, MaxShiftPixels) ? $"ShiftPixels must be in [0, {MaxShiftPixels}], not {ShiftPixels}"
        : Bad(Scale, MaxScale) ? $"Scale must be in [0, {MaxScale}], not {Scale}"
        : Bad(ShearDegrees, MaxShearDegrees) ? $"ShearDegrees must be in [0, {MaxShearDegrees}], not {ShearDegrees}"
        : null;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "rotation +/-{0} deg, shift +/-{1} px, scale {2}-{3}, shear +/-{4} deg",
        RotationDegrees, ShiftPixels, 1 - Scale, 1 + Scale, ShearDegrees);

    private static bool Bad(double value, double max) => double.IsNaN(value) || value < 0 || value > max;
}
