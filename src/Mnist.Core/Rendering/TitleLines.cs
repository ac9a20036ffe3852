namespace Mnist.Core.Rendering;

/// <summary>
/// Breaks a tile's title into lines no wider than its tile, so that a title never runs into the next tile or is
/// cut: after its commas when the whole does not fit ("Predicted Ankle boot," / "Class Ankle boot"), then between words, and a word
/// wider than the tile alone is split where it must.
/// </summary>
public static class TitleLines
{
    public static IReadOnlyList<string> Wrap(string title, float maxWidth, Func<string, float> measure)
    {
        var lines = new List<string>();
        foreach (var phrase in Phrases(title))
        {
            // A phrase joins the line before it when both fit; otherwise it starts a line of its own.
            if (lines.Count > 0 && measure(lines[^1] + " " + phrase) <= maxWidth)
                lines[^1] += " " + phrase;
            else if (measure(phrase) <= maxWidth)
                lines.Add(phrase);
            else
                lines.AddRange(WrapWords(phrase, maxWidth, measure));
        }
        return lines.Count == 0 ? new[] { "" } : lines;
    }

    /// <summary>The title's parts up to and including each comma.</summary>
    private static IEnumerable<string> Phrases(string title)
    {
        var parts = title.Split(", ");
        return parts.Select((part, i) => i < parts.Length - 1 ? part + "," : part).Where(part => part.Length > 0);
    }

    private static IEnumerable<string> WrapWords(string phrase, float maxWidth, Func<string, float> measure)
    {
        var line = "";
        foreach (var word in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var joined = line.Length == 0 ? word : line + " " + word;
            if (measure(joined) <= maxWidth) { line = joined; continue; }
            if (line.Length > 0) yield return line;
            line = word;
            while (measure(line) > maxWidth && line.Length > 1)
            {
                int fit = 1;
                while (fit < line.Length && measure(line[..(fit + 1)]) <= maxWidth) fit++;
                yield return line[..fit];
                line = line[fit..];
            }
        }
        if (line.Length > 0) yield return line;
    }
}
