using System.Globalization;
using System.Security.Cryptography;
using nietras.SeparatedValues;

namespace Mnist.Core.Data.Sources;

/// <summary>The CSV layouts people keep digits in.</summary>
public enum CsvLayout
{
    /// <summary>A label, then one column per pixel: Kaggle's train.csv (header label,pixel0,...) or the headerless mnist_train.csv.</summary>
    LabelledPixels,

    /// <summary>Pixels only, under a header pixel0,...: Kaggle's test.csv, which has no labels to learn from.</summary>
    UnlabelledPixels,

    /// <summary>A path and a label per row, under a header such as path,label: pictures anywhere, named by a manifest.</summary>
    Manifest,
}

/// <summary>A picture named by a manifest row: its path (as written, relative to the manifest's folder) and its class name.</summary>
public sealed record ManifestRow(string Path, string Label, int Line);

/// <summary>
/// Reads digits from CSV files. Every row is checked as it is read (its column count, each value an integer 0..255,
/// its label one of the classes), and a bad row stops the read with an error naming the file and line, before
/// anything is allocated for the rows after it.
/// </summary>
public static class DigitCsv
{
    private static readonly string[] PathHeaders = { "path", "file", "filename", "file_name", "image", "image_path" };
    private static readonly string[] LabelHeaders = { "label", "class", "category" };

    /// <summary>The layout of a CSV file, from its first line.</summary>
    public static CsvLayout DetectLayout(string path)
    {
        using var reader = Open(path);
        if (!reader.MoveNext())
            throw Invalid(path, 1, "the file is empty");
        var first = reader.Current;
        if (first.ColCount > 0 && IsInteger(first[0].Span)) return CsvLayout.LabelledPixels;
        var names = new string[first.ColCount];
        for (int i = 0; i < names.Length; i++) names[i] = first[i].ToString().Trim().ToLowerInvariant();
        if (names.Any(n => PathHeaders.Contains(n)) && names.Any(n => LabelHeaders.Contains(n))) return CsvLayout.Manifest;
        if (names.Length > 1 && names[0] == "label" && names[1].StartsWith("pixel", StringComparison.Ordinal)) return CsvLayout.LabelledPixels;
        if (names.Length > 0 && names[0].StartsWith("pixel", StringComparison.Ordinal)) return CsvLayout.UnlabelledPixels;
        throw Invalid(path, 1,
            "its first line is neither a header (label,pixel0,... or path,label) nor a row of numbers (label first, then the pixels)");
    }

    /// <summary>
    /// Rows of a label and n x n pixels, in file order. <paramref name="classCount"/> bounds the labels when the class
    /// names are known; otherwise labels go up to 255 and the caller names the classes.
    /// </summary>
    public static (int Side, List<LabelledImage> Images) ReadLabelledPixels(string path, SplitHint split, int? classCount, CancellationToken cancel)
    {
        var images = new List<LabelledImage>();
        int side = 0, columns = 0;
        using var reader = Open(path);
        foreach (var row in reader)
        {
            cancel.ThrowIfCancellationRequested();
            int line = row.RowIndex + 1;
            if (images.Count == 0 && columns == 0)
            {
                columns = row.ColCount;
                side = (int)Math.Round(Math.Sqrt(columns - 1));
                if (columns < 2 || side * side != columns - 1 || side > InputLimits.MaxInputSide)
                    throw Invalid(path, line, $"it has {columns} columns; expected a label and a square number of pixels (785 for 28x28)");
                if (!IsInteger(row[0].Span)) continue; // the header
            }
            if (row.ColCount != columns)
                throw Invalid(path, line, $"it has {row.ColCount} columns where the first row has {columns}");
            int label = ParseValue(row[0].Span, path, line, 1, "label");
            if (classCount is int count && label >= count)
                throw Invalid(path, line, $"its label {label} is not a class (the {count} classes are 0-{count - 1})");
            var pixels = new byte[columns - 1];
            for (int c = 1; c < columns; c++) pixels[c - 1] = (byte)ParseValue(row[c].Span, path, line, c + 1, "pixel");
            images.Add(new LabelledImage(pixels, label, SHA256.HashData(pixels), split));
        }
        if (images.Count == 0) throw Invalid(path, 1, "it holds no rows of pixels");
        return (side, images);
    }

    /// <summary>
    /// The rows of a manifest: a picture's path and its class name, from the columns its header names (path, file,
    /// filename, image... and label, class or category); other columns are ignored.
    /// </summary>
    public static List<ManifestRow> ReadManifest(string path, CancellationToken cancel)
    {
        var rows = new List<ManifestRow>();
        int pathColumn = -1, labelColumn = -1, columns = 0;
        using var reader = Open(path);
        foreach (var row in reader)
        {
            cancel.ThrowIfCancellationRequested();
            int line = row.RowIndex + 1;
            if (columns == 0)
            {
                columns = row.ColCount;
                for (int c = 0; c < columns; c++)
                {
                    var name = row[c].ToString().Trim().ToLowerInvariant();
                    if (pathColumn < 0 && PathHeaders.Contains(name)) pathColumn = c;
                    else if (labelColumn < 0 && LabelHeaders.Contains(name)) labelColumn = c;
                }
                if (pathColumn < 0 || labelColumn < 0) throw Invalid(path, line, "its header names no path column and label column");
                continue;
            }
            if (row.ColCount != columns) throw Invalid(path, line, $"it has {row.ColCount} columns where the header has {columns}");
            var picture = row[pathColumn].ToString().Trim();
            var label = row[labelColumn].ToString().Trim();
            if (picture.Length == 0 || label.Length == 0) throw Invalid(path, line, "its path or label is empty");
            if (picture.Contains('\0')) throw Invalid(path, line, "its path holds a NUL character");
            rows.Add(new ManifestRow(picture, label, line));
        }
        if (rows.Count == 0) throw Invalid(path, 1, "it names no pictures");
        return rows;
    }

    private static SepReader Open(string path)
    {
        if (!PictureFiles.IsRegularFile(path))
            throw new MnistException("DataFileNotRegular", MnistErrorKind.InvalidData,
                $"'{path}' is not a regular file (a pipe, device or socket, or a link to one).", path);
        try
        {
            return Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = true }).FromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("DataFileUnreadable", MnistErrorKind.InvalidData, $"'{path}' cannot be read: {e.Message}", path, e);
        }
    }

    private static int ParseValue(ReadOnlySpan<char> text, string path, int line, int column, string what)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > 255)
            throw Invalid(path, line, $"its {what} in column {column} is '{text.ToString()}'; values are whole numbers 0-255");
        return value;
    }

    private static bool IsInteger(ReadOnlySpan<char> text) => int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static MnistException Invalid(string path, int line, string reason) =>
        new("CsvRowInvalid", MnistErrorKind.InvalidData, $"Line {line} of '{path}' cannot be read: {reason}.", $"{path}:{line}");
}
