using System.Text;

namespace Mnist.Core.Rendering;

/// <summary>
/// Draws images as lines of text, several side by side with a title under each (on as many lines as the
/// longest needs, never cut), like the notebook's 3x3 matplotlib grid. Returns plain strings (ANSI escapes included for the half-block style).
/// </summary>
public static class TerminalRenderer
{
    public const int Gap = 2;
    private const string Reset = "\u001b[0m";
    private const char UpperHalfBlock = '\u2580';

    /// <summary>The lines of the grid, top to bottom; a blank line separates rows of images.</summary>
    public static IReadOnlyList<string> Render(IReadOnlyList<ImageTile> tiles, TerminalStyle style, int columns)
    {
        if (columns < 1)
            throw new MnistException("ColumnsOutOfRange", MnistErrorKind.InvalidArgument, $"Columns must be at least 1, not {columns}.", columns);
        var lines = new List<string>();
        for (int first = 0; first < tiles.Count; first += columns)
        {
            if (first > 0) lines.Add("");
            var row = tiles.Skip(first).Take(columns).ToArray();
            var drawn = row.Select(tile => Draw(tile, style)).ToArray();
            int height = drawn.Max(d => d.Lines.Count);
            for (int line = 0; line < height; line++)
                lines.Add(Join(drawn.Select(d => line < d.Lines.Count ? d.Lines[line] : new string(' ', d.Width))));
            var titles = row.Zip(drawn, (tile, d) => TitleLines.Wrap(SafeText.Of(tile.Title), d.Width, text => text.Length)).ToArray();
            int titleHeight = titles.Max(t => t.Count);
            for (int line = 0; line < titleHeight; line++)
                lines.Add(Join(row.Select((tile, i) => Title(tile, line < titles[i].Count ? titles[i][line] : "", drawn[i].Width, style))));
        }
        return lines;
    }

    /// <summary>How many images of the given style fit side by side in a window of that many characters.</summary>
    public static int ColumnsThatFit(int windowWidth, int imageColumns, TerminalStyle style)
    {
        int width = CharactersPerPixel(style) * imageColumns;
        return Math.Max(1, (windowWidth + Gap) / (width + Gap));
    }

    public static int CharactersPerPixel(TerminalStyle style) => style == TerminalStyle.Numbers ? 4 : 1;

    private sealed record DrawnTile(IReadOnlyList<string> Lines, int Width);

    private static DrawnTile Draw(ImageTile tile, TerminalStyle style) => style switch
    {
        TerminalStyle.HalfBlock => new(HalfBlocks(tile), tile.Columns),
        TerminalStyle.Ascii => new(AsciiLines(tile), tile.Columns),
        _ => new(NumberLines(tile), tile.Columns * CharactersPerPixel(style)),
    };

    // Each character shows two pixel rows: the foreground colours the upper half block (top pixel), the
    // background the lower half (bottom pixel), so the picture keeps its square aspect in a terminal.
    private static IReadOnlyList<string> HalfBlocks(ImageTile tile)
    {
        var lines = new List<string>();
        for (int top = 0; top < tile.Rows; top += 2)
        {
            var text = new StringBuilder();
            for (int c = 0; c < tile.Columns; c++)
            {
                byte upper = tile[top, c];
                byte lower = top + 1 < tile.Rows ? tile[top + 1, c] : (byte)0;
                text.Append($"\u001b[38;2;{upper};{upper};{upper}m\u001b[48;2;{lower};{lower};{lower}m").Append(UpperHalfBlock);
            }
            lines.Add(text.Append(Reset).ToString());
        }
        return lines;
    }

    private static IReadOnlyList<string> AsciiLines(ImageTile tile) =>
        Enumerable.Range(0, tile.Rows)
            .Select(r => new string(Enumerable.Range(0, tile.Columns).Select(c => AsciiRamp.For(tile[r, c])).ToArray()))
            .ToArray();

    private static IReadOnlyList<string> NumberLines(ImageTile tile) =>
        Enumerable.Range(0, tile.Rows)
            .Select(r => string.Concat(Enumerable.Range(0, tile.Columns).Select(c => $"{tile[r, c],4}")))
            .ToArray();

    // Titles carry class names from files: SafeText keeps control characters from the terminal.
    private static string Title(ImageTile tile, string title, int width, TerminalStyle style)
    {
        int left = (width - title.Length) / 2;
        var padded = new string(' ', left) + title + new string(' ', width - left - title.Length);
        if (style != TerminalStyle.HalfBlock || tile.IsCorrect is null) return padded;
        var colour = tile.IsCorrect == true ? "\u001b[32m" : "\u001b[31m";
        return colour + padded + Reset;
    }

    private static string Join(IEnumerable<string> parts) => string.Join(new string(' ', Gap), parts);
}
