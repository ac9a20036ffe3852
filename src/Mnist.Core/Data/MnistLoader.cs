namespace Mnist.Core.Data;

/// <summary>
/// Loads a dataset from a folder of IDX files, a Keras .npz file, or the per-user cache. Data whose sums are a
/// known dataset's takes that dataset's name and class names; other data is named after its folder or file and
/// has digit class names, unless the caller names them.
/// </summary>
public static class MnistLoader
{
    public static MnistDataset LoadFolder(string folder, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(folder))
            throw new MnistException("DataPathNotFound", MnistErrorKind.NotFound, $"Data folder '{folder}' does not exist.", folder);
        var paths = MnistFiles.All.ToDictionary(f => f, f => MnistFiles.Locate(folder, f) ?? throw new MnistException(
            "DataFileNotFound", MnistErrorKind.NotFound,
            $"Data folder '{folder}' has no '{f.Name}' (also looked for '{f.AltName}' and .gz versions).", folder));
        int classCount = classNames?.Count ?? DatasetCatalog.DigitClassNames.Count;

        var checksums = new Dictionary<string, string>();
        (IdxReader.ImageFile Images, byte[] Labels) ReadSplit(string splitName, MnistFiles.KnownFile imagesFile, MnistFiles.KnownFile labelsFile)
        {
            var images = IdxReader.ReadImages(paths[imagesFile]);
            var labelFile = IdxReader.ReadLabels(paths[labelsFile], classCount);
            var labels = labelFile.Labels;
            if (images.Count != labels.Length)
                throw new MnistException("DataCountMismatch", MnistErrorKind.InvalidData,
                    $"'{paths[imagesFile]}' holds {images.Count:N0} images but '{paths[labelsFile]}' holds {labels.Length:N0} labels.",
                    paths[imagesFile]);
            lock (checksums)
            {
                checksums[imagesFile.Name] = images.Sha256;
                checksums[labelsFile.Name] = labelFile.Sha256;
            }
            return (images, labels);
        }

        var trainTask = Task.Run(() => ReadSplit("Train", MnistFiles.TrainImages, MnistFiles.TrainLabels));
        var (testImages, testLabels) = ReadSplit("Test", MnistFiles.TestImages, MnistFiles.TestLabels);
        var (trainImages, trainLabels) = trainTask.GetAwaiter().GetResult();
        var known = DatasetCatalog.Recognise(checksums);
        var names = classNames ?? known?.ClassNames ?? DatasetCatalog.DigitClassNames;
        return new MnistDataset(name ?? known?.Name ?? Path.GetFileName(folder), folder,
            new MnistSplit("Train", trainImages.Rows, trainImages.Columns, trainImages.Pixels, trainLabels, names),
            new MnistSplit("Test", testImages.Rows, testImages.Columns, testImages.Pixels, testLabels, names), checksums);
    }

    public static MnistDataset LoadNpz(string path, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        int classCount = classNames?.Count ?? DatasetCatalog.DigitClassNames.Count;
        var (trainImages, trainLabels) = NpzReader.ReadSplit(path, "train", classCount);
        var (testImages, testLabels) = NpzReader.ReadSplit(path, "test", classCount);
        var checksums = new Dictionary<string, string> { [Path.GetFileName(path)] = MnistFiles.Sha256Hex(path) };
        var known = DatasetCatalog.Recognise(checksums);
        var names = classNames ?? known?.ClassNames ?? DatasetCatalog.DigitClassNames;
        return new MnistDataset(name ?? known?.Name ?? Path.GetFileNameWithoutExtension(path), Path.GetFullPath(path),
            new MnistSplit("Train", 28, 28, trainImages.Pixels, trainLabels, names),
            new MnistSplit("Test", 28, 28, testImages.Pixels, testLabels, names), checksums);
    }

    /// <summary>Loads from a folder or an .npz file, whichever the path is.</summary>
    public static MnistDataset LoadPath(string path, string? name = null, IReadOnlyList<string>? classNames = null) =>
        LoadPath(path, new Sources.DataImportOptions { Name = name, ClassNames = classNames });

    /// <summary>
    /// Loads whatever the path is: a folder of IDX files, a folder holding train.csv and test.csv, a folder of class
    /// folders of pictures, a Keras .npz file, or a CSV file (digits, or a manifest of pictures).
    /// </summary>
    public static MnistDataset LoadPath(string path, Sources.DataImportOptions options)
    {
        if (Directory.Exists(path))
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            if (HoldsIdxFiles(folder)) return LoadFolder(folder, options.Name, options.ClassNames);
            if (Sources.UserDataLoader.CsvPairIn(folder) is { } pair) return Sources.UserDataLoader.LoadCsvPair(folder, pair.Train, pair.Test, options);
            return Sources.UserDataLoader.LoadPictureFolder(folder, options);
        }
        if (File.Exists(path))
        {
            if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)) return LoadNpz(path, options.Name, options.ClassNames);
            if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return Sources.UserDataLoader.LoadCsvFile(Path.GetFullPath(path), options);
            throw new MnistException("DataPathUnsupported", MnistErrorKind.InvalidArgument,
                $"'{path}' is a file but neither a Keras .npz nor a .csv; give a folder (IDX files, train.csv and test.csv, or class folders of pictures), an .npz or a .csv file.", path);
        }
        throw new MnistException("DataPathNotFound", MnistErrorKind.NotFound, $"Data path '{path}' does not exist.", path);
    }

    /// <summary>Whether a folder holds any of the four IDX files, under any spelling, so that it is read as IDX data.</summary>
    public static bool HoldsIdxFiles(string folder) => MnistFiles.All.Any(f => MnistFiles.Locate(folder, f) is not null);

    /// <summary>
    /// Loads a known dataset's cached files (<paramref name="cacheRoot"/> is the cache folder; the dataset's own
    /// folder is found in it), checking each against its published SHA-256. A file that fails the check is
    /// reported, never used.
    /// </summary>
    public static MnistDataset LoadCache(string cacheRoot, DatasetInfo? dataset = null, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        dataset ??= DatasetCatalog.Mnist;
        var folder = dataset.CacheFolderIn(cacheRoot);
        var loaded = LoadFolder(folder, name ?? dataset.Name, classNames ?? dataset.ClassNames);
        foreach (var file in dataset.Files.Where(f => !string.IsNullOrEmpty(f.Sha256)))
        {
            if (loaded.Checksums[file.Name] != file.Sha256)
                throw new MnistException("DataChecksumMismatch", MnistErrorKind.InvalidData,
                    $"Cached file '{MnistFiles.Locate(folder, file)}' does not match the published SHA-256 {file.Sha256} of {dataset.Name}; delete it to download it again.",
                    MnistFiles.Locate(folder, file));
        }
        return loaded;
    }

    public static bool CacheIsComplete(string cacheRoot, DatasetInfo? dataset = null)
    {
        dataset ??= DatasetCatalog.Mnist;
        var folder = dataset.CacheFolderIn(cacheRoot);
        return dataset.Files.All(f => MnistFiles.Locate(folder, f) is not null);
    }
}
