using System.Globalization;
using Mnist.Core.Evaluation;

namespace Mnist.Core.Data.Export;

/// <summary>
/// What an export writes, whatever it came from: a whole dataset (both splits, written as train and test), one
/// split, or samples and predictions (grouped by their split; a prediction of a picture file counts as test).
/// </summary>
public sealed class ExportImages
{
    private ExportImages(IReadOnlyList<string> classNames, IReadOnlyList<ExportSplit> splits, bool isDataset, string description)
    {
        foreach (var name in classNames)
            if (name.Contains('\n') || name.Contains('\r'))
                throw new MnistException("ExportClassNameNotWritable", MnistErrorKind.InvalidArgument,
                    $"The class name '{name.ReplaceLineEndings(" ")}' holds a line break, which {ClassFolderNamesFile} cannot keep.", name);
        ClassNames = classNames;
        Splits = splits;
        IsDataset = isDataset;
        Description = description;
    }

    private const string ClassFolderNamesFile = Files.ClassFolderNames.ListFile;

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The splits to write, train before test; a dataset always has both, other input only those it holds.</summary>
    public IReadOnlyList<ExportSplit> Splits { get; }

    /// <summary>A whole dataset: written as train and test (folders train/ and test/, files train.csv and test.csv).</summary>
    public bool IsDataset { get; }

    /// <summary>What the images are, for messages ("mnist", "the Test split of mnist", "42 predictions").</summary>
    public string Description { get; }

    public int Count => Splits.Sum(s => s.Count);
    public ExportSplit? Train => Splits.FirstOrDefault(s => s.Name == "train");
    public ExportSplit? Test => Splits.FirstOrDefault(s => s.Name == "test");

    public static ExportImages FromDataset(MnistDataset dataset) =>
        new(dataset.ClassNames, new[] { Of(dataset.Train, "train"), Of(dataset.Test, "test") }, true, dataset.Name);

    public static ExportImages FromSplit(MnistSplit split) =>
        new(split.ClassNames, new[] { Of(split, SplitName(split.Name)) }, false,
            $"the {split.Name} split{(split.DatasetName is null ? "" : " of " + split.DatasetName)}");

    public static ExportImages FromSamples(IReadOnlyList<MnistSample> samples)
    {
        var first = NotEmpty(samples, "samples");
        foreach (var sample in samples) CheckAlike(first.ClassNames, first.Rows, first.Columns, sample.ClassNames, sample.Rows, sample.Columns, sample.ToString());
        var splits = samples.GroupBy(s => SplitName(s.Split)).OrderByDescending(g => g.Key == "train").Select(group =>
        {
            var items = group.ToArray();
            return Build(group.Key, first.Rows, first.Columns, items.Select(s => s.Pixels), items.Select(s => s.Label),
                items.Select(s => $"{SplitName(s.Split)}-{s.Index.ToString("D5", CultureInfo.InvariantCulture)}"));
        }).ToArray();
        return new ExportImages(first.ClassNames, splits, false, $"{samples.Count:N0} samples");
    }

    /// <summary>
    /// Predictions under their true class or the predicted one. A picture's name says both:
    /// <c>&lt;image&gt;-predicted-&lt;class&gt;-label-&lt;class&gt;</c> (without the label part when the image has none), where the
    /// image is <c>test-00042</c> for a dataset's image, the picture file's name, or <c>image-00007</c> for bare pixels.
    /// </summary>
    public static ExportImages FromPredictions(IReadOnlyList<MnistPrediction> predictions, PredictionClass by)
    {
        var first = NotEmpty(predictions, "predictions");
        var classNames = first.ClassNames;
        var folders = Files.ClassFolderNames.ForAll(classNames);
        int position = 0;
        var rows = new List<(string Split, MnistPrediction Prediction, int Position)>();
        foreach (var prediction in predictions)
        {
            CheckAlike(classNames, first.Rows, first.Columns, prediction.ClassNames, prediction.Rows, prediction.Columns, prediction.Image);
            if (prediction.Pixels.Length != prediction.Rows * prediction.Columns || prediction.Rows == 0)
                throw new MnistException("ExportPredictionWithoutPixels", MnistErrorKind.InvalidArgument,
                    $"The prediction for '{prediction.Image}' does not carry the pixels the model saw; predict again with this version of the module.", prediction.Image);
            if (by == PredictionClass.Label && prediction.Label is null)
                throw new MnistException("ExportPredictionUnlabelled", MnistErrorKind.InvalidArgument,
                    $"The prediction for '{prediction.Image}' has no true class in the model's classes, so it cannot be written under its label; use -By Predicted.",
                    prediction.Image);
            rows.Add((SplitName(prediction.Split), prediction, position++));
        }
        var splits = rows.GroupBy(r => r.Split).OrderByDescending(g => g.Key == "train").Select(group =>
        {
            var items = group.ToArray();
            return Build(group.Key, first.Rows, first.Columns, items.Select(r => r.Prediction.Pixels),
                items.Select(r => by == PredictionClass.Label ? r.Prediction.Label!.Value : r.Prediction.Predicted),
                items.Select(r => PredictionStem(r.Prediction, r.Position, folders)));
        }).ToArray();
        return new ExportImages(classNames, splits, false, $"{predictions.Count:N0} predictions");
    }

    private static string PredictionStem(MnistPrediction prediction, int position, IReadOnlyList<string> folders)
    {
        var image = prediction.File is not null ? Files.ClassFolderNames.For(System.IO.Path.GetFileNameWithoutExtension(prediction.File))
            : prediction.Index >= 0 ? $"{SplitName(prediction.Split)}-{prediction.Index.ToString("D5", CultureInfo.InvariantCulture)}"
            : $"image-{position.ToString("D5", CultureInfo.InvariantCulture)}";
        var stem = $"{image}-predicted-{folders[prediction.Predicted]}";
        return prediction.Label is { } label ? $"{stem}-label-{folders[label]}" : stem;
    }

    /// <summary>"train" for the Train split, "test" for anything else (the Test split, or pictures that belong to none).</summary>
    private static string SplitName(string? split) => string.Equals(split, "Train", StringComparison.OrdinalIgnoreCase) ? "train" : "test";

    private static ExportSplit Of(MnistSplit split, string name) => new(name, split.Rows, split.Columns, split.Pixels, split.Labels);

    private static T NotEmpty<T>(IReadOnlyList<T> items, string what) => items.Count > 0 ? items[0]
        : throw new MnistException("ExportNothing", MnistErrorKind.InvalidArgument, $"There are no {what} to export.", what);

    private static void CheckAlike(IReadOnlyList<string> classNames, int rows, int columns, IReadOnlyList<string> otherClasses, int otherRows,
        int otherColumns, string what)
    {
        if (rows == otherRows && columns == otherColumns && classNames.SequenceEqual(otherClasses)) return;
        throw new MnistException("ExportMixedData", MnistErrorKind.InvalidArgument,
            $"'{what}' has {otherRows}x{otherColumns} images in the classes [{string.Join(", ", otherClasses)}], unlike the first item " +
            $"({rows}x{columns}, [{string.Join(", ", classNames)}]); one export writes images of one shape and one set of classes.", what);
    }

    private static ExportSplit Build(string name, int rows, int columns, IEnumerable<byte[]> images, IEnumerable<int> labels, IEnumerable<string> stems)
    {
        var labelArray = labels.Select(l => (byte)l).ToArray();
        var pixels = new byte[(long)labelArray.Length * rows * columns];
        int offset = 0;
        foreach (var image in images)
        {
            image.CopyTo(pixels, offset);
            offset += image.Length;
        }
        return new ExportSplit(name, rows, columns, pixels, labelArray, UniqueStems(stems));
    }

    /// <summary>The stems with a counter added to repeats (the same sample piped twice), so no picture overwrites another.</summary>
    private static string[] UniqueStems(IEnumerable<string> stems)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        return stems.Select(stem =>
        {
            int n = seen.TryGetValue(stem, out var count) ? count + 1 : 1;
            seen[stem] = n;
            return n == 1 ? stem : $"{stem}-{n}";
        }).ToArray();
    }
}
