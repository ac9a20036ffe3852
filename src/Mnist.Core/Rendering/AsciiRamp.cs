namespace Mnist.Core.Rendering;

/// <summary>Maps a grey level to a character, darkest (blank) to densest.</summary>
public static class AsciiRamp
{
    public const string Characters = " .:-=+*#%@";

    /// <summary>Pixels up to this value draw as a blank; anything above has visible ink.</summary>
    public static readonly int BlankUpTo = 255 / Characters.Length;

    public static char For(byte pixel) => Characters[pixel * Characters.Length / 256];
}
