namespace Mnist.Core.Rendering.Charts;

public enum ChartFormat { Png, Svg }

public static class ChartFormats
{
    /// <summary>The format a file name asks for by its extension (.png or .svg).</summary>
    public static ChartFormat FromPath(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ChartFormat.Png,
        ".svg" => ChartFormat.Svg,
        var other => throw new MnistException("UnsupportedChartFormat", MnistErrorKind.InvalidArgument,
            $"Cannot write a chart to '{path}': the extension '{other}' is neither .png nor .svg.", path),
    };
}
