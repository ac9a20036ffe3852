using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>The typeface of titles and labels, and a guard against machines with no fonts at all.</summary>
public static class ChartFonts
{
    private static readonly Lazy<SKTypeface> Sans = new(() =>
        SKFontManager.Default.MatchFamily("DejaVu Sans") ?? SKFontManager.Default.MatchFamily("sans-serif") ?? SKTypeface.Default);

    public static SKTypeface Typeface => Sans.Value;

    /// <summary>
    /// Skia draws no text at all, silently, when the machine has no fonts; refuse to write a chart without its
    /// titles and say how to fix it.
    /// </summary>
    public static void EnsureAvailable()
    {
        if (SKFontManager.Default.FontFamilyCount == 0)
            throw new MnistException("NoFonts", MnistErrorKind.ResourceUnavailable,
                "No fonts are installed, so charts would have no text; install one (on Debian/Ubuntu: apt-get install fonts-dejavu-core).");
    }
}
