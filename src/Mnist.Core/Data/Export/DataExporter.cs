using Mnist.Core.Data.Files;
using Mnist.Core.Persistence;

namespace Mnist.Core.Data.Export;

/// <summary>How far an export is, in images.</summary>
public readonly record struct ExportProgress(long Done, long Total, string File);

/// <summary>What an export wrote.</summary>
public sealed record MnistDataExport(string Path, ExportFormat Format, int Train, int Test, int Files, IReadOnlyList<string> ClassNames)
{
    public int Count => Train + Test;
}

/// <summary>
/// Plans and writes an export. Where the files go:
/// <list type="bullet">
/// <item>Idx: the folder <c>path</c>, holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
/// and t10k-labels-idx1-ubyte (those of the splits there are; ".gz" added when compressed).</item>
/// <item>Npz: the file <c>path</c>, or mnist.npz inside it when <c>path</c> is a folder.</item>
/// <item>Csv: a path ending in ".csv" is one file holding every image; any other path is a folder holding train.csv
/// and/or test.csv, one per split (a dataset needs a folder).</item>
/// <item>Png: the folder <c>path</c> with classes.txt and, for a dataset, train/&lt;class&gt;/ and test/&lt;class&gt;/, else
/// &lt;class&gt;/ directly; a picture is &lt;row&gt;.png for a dataset or split, &lt;split&gt;-&lt;index&gt;.png for samples.</item>
/// </list>
/// Nothing is half-written: one file goes through <see cref="AtomicFile"/>, a folder's files are written into a
/// temporary folder beside it and moved into place only once all of them are complete (see <see cref="FolderStaging"/>).
/// </summary>
public static class DataExporter
{
    public static ExportPlan Plan(ExportImages images, string path, ExportFormat format, bool compress)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (compress && format != ExportFormat.Idx)
            throw new MnistException("ExportOptionNotApplicable", MnistErrorKind.InvalidArgument,
                $"-Compress applies to the Idx format only (gzipped IDX files), not to {format}.", "Compress");
        return format switch
        {
            ExportFormat.Idx => new ExportPlan(full, true, IdxFiles(images, compress), format, images),
            ExportFormat.Npz => new ExportPlan(Directory.Exists(full) ? System.IO.Path.Combine(full, NpzWriter.FileName) : full, false,
                new[] { new PlannedFile(NpzWriter.FileName, images.Count, (s, done, c) => NpzWriter.Write(s, images, done, c)) }, format, images),
            ExportFormat.Csv => CsvPlan(images, full, path),
            ExportFormat.Png => new ExportPlan(full, true, PngFiles(images), format, images),
            _ => throw new MnistException("UnknownExportFormat", MnistErrorKind.InvalidArgument, $"Unknown export format '{format}'.", format),
        };
    }

    public static MnistDataExport Write(ExportPlan plan, bool overwrite, IProgress<ExportProgress>? progress = null, CancellationToken cancel = default)
    {
        long total = plan.Images.Count, done = 0;
        void Advance(int images, string file)
        {
            done += images;
            progress?.Report(new ExportProgress(done, total, file));
        }

        if (plan.IsFolder)
        {
            FolderStaging.Write(plan.Root, plan.Files, overwrite, Advance, cancel);
        }
        else
        {
            var file = plan.Files.Single();
            AtomicFile.Write(plan.Root, stream => file.Write(stream, n => Advance(n, plan.Root), cancel), overwrite);
        }
        progress?.Report(new ExportProgress(total, total, plan.Root));
        return new MnistDataExport(plan.Root, plan.Format, plan.Images.Train?.Count ?? 0, plan.Images.Test?.Count ?? 0,
            plan.IsFolder ? plan.Files.Count : 1, plan.Images.ClassNames);
    }

    private static IReadOnlyList<PlannedFile> IdxFiles(ExportImages images, bool compress)
    {
        var files = new List<PlannedFile>();
        var extension = compress ? ".gz" : "";
        foreach (var split in images.Splits)
        {
            var (imageFile, labelFile) = split.IdxNames;
            files.Add(new PlannedFile(imageFile + extension, split.Count,
                (s, done, c) => Compressed(s, compress, z => IdxWriter.WriteImages(z, split, done, c))));
            files.Add(new PlannedFile(labelFile + extension, 0, (s, _, c) => Compressed(s, compress, z => IdxWriter.WriteLabels(z, split, c))));
        }
        return files;
    }

    private static void Compressed(Stream stream, bool compress, Action<Stream> write)
    {
        if (!compress)
        {
            write(stream);
            return;
        }
        using var gzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
        write(gzip);
    }

    private static ExportPlan CsvPlan(ExportImages images, string full, string path)
    {
        if (full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(full))
        {
            if (images.IsDataset)
                throw new MnistException("ExportDatasetNeedsFolder", MnistErrorKind.InvalidArgument,
                    $"A whole dataset is written as train.csv and test.csv into a folder; '{path}' names one file. Give a folder, or export one split.", path);
            return new ExportPlan(full, false,
                new[] { new PlannedFile(System.IO.Path.GetFileName(full), images.Count, (s, done, c) => CsvWriter.Write(s, images.Splits, done, c)) },
                ExportFormat.Csv, images);
        }
        var files = images.Splits.Select(split =>
            new PlannedFile($"{split.Name}.csv", split.Count, (s, done, c) => CsvWriter.Write(s, new[] { split }, done, c))).ToArray();
        return new ExportPlan(full, true, files, ExportFormat.Csv, images);
    }

    private static IReadOnlyList<PlannedFile> PngFiles(ExportImages images)
    {
        var folders = ClassFolderNames.ForAll(images.ClassNames);
        var classList = string.Concat(images.ClassNames.Select(n => n + "\n"));
        var files = new List<PlannedFile> { PlannedFile.Small(ClassFolderNames.ListFile, 0, () => new System.Text.UTF8Encoding(false).GetBytes(classList)) };
        foreach (var split in images.Splits)
        {
            for (int i = 0; i < split.Count; i++)
            {
                int row = i;
                var folder = images.IsDataset ? System.IO.Path.Combine(split.Name, folders[split.Labels[row]]) : folders[split.Labels[row]];
                files.Add(PlannedFile.Small(System.IO.Path.Combine(folder, split.FileStem(row) + ".png"), 1,
                    () => PngWriter.Encode(split.Image(row), split.Rows, split.Columns)));
            }
        }
        return files;
    }
}
