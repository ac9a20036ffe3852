using Mnist.Core.Data.Files;

namespace Mnist.Core.Data.Sources;

/// <summary>
/// Datasets from the files people have: a folder of class folders of pictures, a CSV of pixels (Kaggle's layout or
/// the headerless mnist_train.csv), a folder holding train.csv and test.csv, or a manifest CSV of path,label rows.
/// </summary>
public static class UserDataLoader
{
    private static readonly (string Train, string Test)[] CsvPairNames = { ("train.csv", "test.csv"), ("mnist_train.csv", "mnist_test.csv") };

    /// <summary>The two CSV files of a folder that holds a train and a test CSV, or null.</summary>
    public static (string Train, string Test)? CsvPairIn(string folder)
    {
        foreach (var (train, test) in CsvPairNames)
        {
            var (trainPath, testPath) = (Path.Combine(folder, train), Path.Combine(folder, test));
            if (File.Exists(trainPath) && File.Exists(testPath)) return (trainPath, testPath);
        }
        return null;
    }

    public static MnistDataset LoadPictureFolder(string folder, DataImportOptions options)
    {
        options.Validate();
        var scan = PictureFolderScan.Scan(folder, options.ClassNames);
        var prepared = PictureImport.Prepare(scan.Pictures, options);
        RequireUsablePictures(scan.Pictures, prepared.Images, scan.ClassNames, folder);
        var report = new DataImportReport(scan.Skipped, prepared.Failures, prepared.FromCache, prepared.Prepared);
        return DatasetAssembler.Assemble(options.Name ?? Path.GetFileName(folder), folder, scan.ClassNames, options.Rows, options.Columns,
            prepared.Images, options.TestFraction, keepOrder: false, report);
    }

    /// <summary>A single CSV file: digits (split by content) or a manifest of pictures.</summary>
    public static MnistDataset LoadCsvFile(string path, DataImportOptions options)
    {
        options.Validate();
        switch (DigitCsv.DetectLayout(path))
        {
            case CsvLayout.Manifest:
                return LoadManifest(path, options);
            case CsvLayout.UnlabelledPixels:
                throw new MnistException("CsvUnlabelled", MnistErrorKind.InvalidData,
                    $"'{path}' holds pixels without labels (header pixel0,...): there is nothing to learn from. Its rows can be predicted, not trained on.", path);
            default:
                var (side, images) = DigitCsv.ReadLabelledPixels(path, SplitHint.None, options.ClassNames?.Count, options.Cancel);
                var names = ClassNamesFor(images, options.ClassNames);
                return DatasetAssembler.Assemble(options.Name ?? Path.GetFileNameWithoutExtension(path), path, names, side, side, images,
                    options.TestFraction, keepOrder: true, new DataImportReport(Array.Empty<string>(), Array.Empty<MnistException>(), 0, images.Count));
        }
    }

    /// <summary>A folder holding a train and a test CSV; a test CSV without labels (Kaggle's) leaves the split to the content.</summary>
    public static MnistDataset LoadCsvPair(string folder, string trainPath, string testPath, DataImportOptions options)
    {
        options.Validate();
        var notes = new List<string>();
        var (side, images) = DigitCsv.ReadLabelledPixels(trainPath, SplitHint.Train, options.ClassNames?.Count, options.Cancel);
        if (DigitCsv.DetectLayout(testPath) == CsvLayout.LabelledPixels)
        {
            var (testSide, test) = DigitCsv.ReadLabelledPixels(testPath, SplitHint.Test, options.ClassNames?.Count, options.Cancel);
            if (testSide != side)
                throw new MnistException("DataSplitsDiffer", MnistErrorKind.InvalidData,
                    $"'{trainPath}' holds {side}x{side} images but '{testPath}' holds {testSide}x{testSide}.", testPath);
            images.AddRange(test);
        }
        else
        {
            notes.Add($"'{testPath}' has no labels (Kaggle's test file); the test split is taken from '{trainPath}' by content ({options.TestFraction:P0}).");
            images = images.Select(i => i with { Split = SplitHint.None }).ToList();
        }
        var names = ClassNamesFor(images, options.ClassNames);
        return DatasetAssembler.Assemble(options.Name ?? Path.GetFileName(folder), folder, names, side, side, images, options.TestFraction,
            keepOrder: true, new DataImportReport(Array.Empty<string>(), Array.Empty<MnistException>(), 0, images.Count, notes));
    }

    private static MnistDataset LoadManifest(string path, DataImportOptions options)
    {
        var rows = DigitCsv.ReadManifest(path, options.Cancel);
        var baseFolder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var names = options.ClassNames ?? NaturalOrder(rows.Select(r => r.Label).Distinct(StringComparer.Ordinal));
        if (names.Count > 256)
            throw new MnistException("PictureFolderTooManyClasses", MnistErrorKind.LimitsExceeded, $"'{path}' names {names.Count} classes; a dataset holds at most 256.", path);
        var labelOf = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var pictures = new List<PictureEntry>(rows.Count);
        foreach (var row in rows)
        {
            if (!labelOf.TryGetValue(row.Label, out int label))
                throw new MnistException("CsvRowInvalid", MnistErrorKind.InvalidData,
                    $"Line {row.Line} of '{path}' cannot be read: its label '{row.Label}' is not one of the classes ({string.Join(", ", names)}).", $"{path}:{row.Line}");
            pictures.Add(new PictureEntry(Path.GetFullPath(row.Path, baseFolder), label, SplitHint.None));
        }
        var prepared = PictureImport.Prepare(pictures, options);
        RequireUsablePictures(pictures, prepared.Images, names, path);
        return DatasetAssembler.Assemble(options.Name ?? Path.GetFileNameWithoutExtension(path), path, names, options.Rows, options.Columns,
            prepared.Images, options.TestFraction, keepOrder: false,
            new DataImportReport(Array.Empty<string>(), prepared.Failures, prepared.FromCache, prepared.Prepared));
    }

    /// <summary>The class names given, else digits for labels 0-9, else "0" to the largest label.</summary>
    private static IReadOnlyList<string> ClassNamesFor(IReadOnlyList<LabelledImage> images, IReadOnlyList<string>? given)
    {
        if (given is not null) return given;
        int largest = images.Max(i => i.Label);
        return largest <= 9 ? DatasetCatalog.DigitClassNames : Enumerable.Range(0, largest + 1).Select(l => l.ToString()).ToArray();
    }

    /// <summary>Names sorted ordinally, or as numbers when every name is a whole number (so 10 comes after 9).</summary>
    private static IReadOnlyList<string> NaturalOrder(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.All(n => long.TryParse(n, out _))
            ? list.OrderBy(long.Parse).ToList()
            : list.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A class that has pictures but not one usable is an error: its folder or rows are there for a reason.</summary>
    private static void RequireUsablePictures(IReadOnlyList<PictureEntry> pictures, IReadOnlyList<LabelledImage> images,
        IReadOnlyList<string> classNames, string source)
    {
        var usable = images.Select(i => i.Label).ToHashSet();
        var unusable = pictures.Select(p => p.Label).Distinct().Where(l => !usable.Contains(l)).Order().Select(l => $"'{classNames[l]}'").ToList();
        if (unusable.Count > 0)
            throw new MnistException("PictureClassEmpty", MnistErrorKind.InvalidData,
                $"'{source}' has no usable picture of the class{(unusable.Count > 1 ? "es" : "")} {string.Join(", ", unusable)}: every one failed to read or prepare.",
                source);
        if (images.Count == 0)
            throw new MnistException("PictureFolderNoClasses", MnistErrorKind.InvalidData, $"'{source}' gives no usable pictures.", source);
    }
}
