namespace Mnist.Core.Data;

/// <summary>Loads a dataset from a folder of IDX files, a Keras .npz file, or the per-user cache.</summary>
public static class MnistLoader
{
    public static MnistDataset LoadFolder(string folder, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        if (!Directory.Exists(folder))
            throw new MnistException("DataPathNotFound", MnistErrorKind.NotFound, $"Data folder '{folder}' does not exist.", folder);
        var paths = MnistFiles.All.ToDictionary(f => f, f => MnistFiles.Locate(folder, f) ?? throw new MnistException(
            "DataFileNotFound", MnistErrorKind.NotFound,
            $"Data folder '{folder}' has no '{f.Name}' (also looked for '{f.AltName}' and .gz versions).", folder));
        classNames ??= MnistDataset.DigitClassNames;

        var checksums = new Dictionary<string, string>();
        MnistSplit ReadSplit(string splitName, MnistFiles.KnownFile imagesFile, MnistFiles.KnownFile labelsFile)
        {
            var images = IdxReader.ReadImages(paths[imagesFile]);
            var labelFile = IdxReader.ReadLabels(paths[labelsFile], classNames.Count);
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
            return new MnistSplit(splitName, images.Rows, images.Columns, images.Pixels, labels, classNames);
        }

        var trainTask = Task.Run(() => ReadSplit("Train", MnistFiles.TrainImages, MnistFiles.TrainLabels));
        var test = ReadSplit("Test", MnistFiles.TestImages, MnistFiles.TestLabels);
        var train = trainTask.GetAwaiter().GetResult();
        return new MnistDataset(name ?? GuessName(classNames), Path.GetFullPath(folder), train, test, checksums);
    }

    public static MnistDataset LoadNpz(string path, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        classNames ??= MnistDataset.DigitClassNames;
        var (trainImages, trainLabels) = NpzReader.ReadSplit(path, "train", classNames.Count);
        var (testImages, testLabels) = NpzReader.ReadSplit(path, "test", classNames.Count);
        var checksums = new Dictionary<string, string> { [Path.GetFileName(path)] = MnistFiles.Sha256Hex(path) };
        return new MnistDataset(name ?? GuessName(classNames), Path.GetFullPath(path),
            new MnistSplit("Train", 28, 28, trainImages.Pixels, trainLabels, classNames),
            new MnistSplit("Test", 28, 28, testImages.Pixels, testLabels, classNames), checksums);
    }

    /// <summary>Loads from a folder or an .npz file, whichever the path is.</summary>
    public static MnistDataset LoadPath(string path, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        if (Directory.Exists(path)) return LoadFolder(path, name, classNames);
        if (File.Exists(path))
        {
            if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)) return LoadNpz(path, name, classNames);
            throw new MnistException("DataPathUnsupported", MnistErrorKind.InvalidArgument,
                $"'{path}' is a file but not a Keras .npz; give a folder holding the four IDX files, or a .npz file.", path);
        }
        throw new MnistException("DataPathNotFound", MnistErrorKind.NotFound, $"Data path '{path}' does not exist.", path);
    }

    /// <summary>
    /// Loads the cached MNIST files, checking each against its published SHA-256. A file that fails the check
    /// is reported, never used.
    /// </summary>
    public static MnistDataset LoadCache(string cacheFolder, string? name = null, IReadOnlyList<string>? classNames = null)
    {
        var dataset = LoadFolder(cacheFolder, name ?? "mnist", classNames);
        foreach (var file in MnistFiles.All)
        {
            if (dataset.Checksums[file.Name] != file.Sha256)
                throw new MnistException("DataChecksumMismatch", MnistErrorKind.InvalidData,
                    $"Cached file '{MnistFiles.Locate(cacheFolder, file)}' does not match the published SHA-256 {file.Sha256}; delete it to download it again.",
                    cacheFolder);
        }
        return dataset;
    }

    public static bool CacheIsComplete(string cacheFolder) =>
        MnistFiles.All.All(f => File.Exists(Path.Combine(cacheFolder, f.Name)));

    private static string GuessName(IReadOnlyList<string> classNames) =>
        ReferenceEquals(classNames, MnistDataset.FashionClassNames) ? "fashion-mnist" : "mnist";
}
