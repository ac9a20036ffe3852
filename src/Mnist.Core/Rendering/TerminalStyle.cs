namespace Mnist.Core.Rendering;

/// <summary>How images are drawn as text.</summary>
public enum TerminalStyle
{
    /// <summary>Unicode upper half blocks with 24-bit grey foreground (top pixel) and background (bottom pixel): two pixel rows per line.</summary>
    HalfBlock,

    /// <summary>One plain character per pixel from the ramp " .:-=+*#%@"; works in any terminal and in files.</summary>
    Ascii,

    /// <summary>The pixel values themselves, 0-255, like printing x_train[0] in the notebook.</summary>
    Numbers,
}
