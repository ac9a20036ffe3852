namespace Mnist.Core.Imaging.Pictures;

/// <summary>
/// How a digit of the picture set was put on paper and captured. Every picture has mild paper texture, light and
/// sensor noise; its kind is the one distortion it has strongly, so accuracy can be reported per kind.
/// </summary>
public enum PictureKind
{
    /// <summary>A clean scan: dark ink on white paper, centred, medium size.</summary>
    Clean,
    /// <summary>Strong sensor noise, dust specks and a stray hair.</summary>
    Noise,
    /// <summary>A light gradient across the page and dark corners (vignetting), as from a phone under a lamp.</summary>
    UnevenLight,
    /// <summary>Heavy JPEG compression (quality 8-25).</summary>
    Jpeg,
    /// <summary>Grey pencil on grey paper.</summary>
    LowContrast,
    /// <summary>Blue, red, green or violet ink on tinted paper.</summary>
    ColouredInk,
    /// <summary>A thick marker: strokes grown by half to a whole MNIST pixel on each side.</summary>
    ThickStrokes,
    /// <summary>A fine pen: strokes thinned to about half.</summary>
    ThinStrokes,
    /// <summary>Anywhere on the page, far from its centre.</summary>
    OffCentre,
    /// <summary>A small digit (8-16% of the side) on a large page.</summary>
    SmallInCanvas,
    /// <summary>The digit touches an edge of the picture.</summary>
    TouchingBorder,
    /// <summary>Turned by 8-15 degrees.</summary>
    Rotated,
    /// <summary>A phone photo: uneven light, noise, defocus, a slight turn, lower contrast and JPEG, all moderate.</summary>
    Photo,
}
