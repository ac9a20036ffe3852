using Mnist.Core.Data.Files;

namespace Mnist.Core.Data.Sources;

/// <summary>A picture found in a class folder: where it is, its class, and the split its folder puts it in.</summary>
public sealed record PictureEntry(string Path, int Label, SplitHint Split);

/// <summary>
/// What a folder of class folders holds, the way Keras's image_dataset_from_directory and torchvision's ImageFolder
/// read it: one subfolder per class (pictures in deeper folders count for their class folder), class names from the
/// folder names in ordinal order, from the folder's classes.txt (written by the module's PNG export), or as the caller
/// names them. A folder holding train/ and test/, each a folder of class folders, gives the splits itself.
/// Symbolic links to folders are never followed (a loop cannot trap the walk); hidden folders beside the class
/// folders (.ipynb_checkpoints, an export's temporary folder) are no class; both, and files that are not pictures by
/// their extension, are skipped and listed.
/// </summary>
public sealed class PictureFolderScan
{
    private PictureFolderScan(IReadOnlyList<string> classNames, IReadOnlyList<PictureEntry> pictures, IReadOnlyList<string> skipped, bool hasOwnSplits)
    {
        ClassNames = classNames;
        Pictures = pictures;
        Skipped = skipped;
        HasOwnSplits = hasOwnSplits;
    }

    public IReadOnlyList<string> ClassNames { get; }
    public IReadOnlyList<PictureEntry> Pictures { get; }
    public IReadOnlyList<string> Skipped { get; }
    public bool HasOwnSplits { get; }

    public static bool HasOwnSplitFolders(string folder) =>
        Directory.Exists(Path.Combine(folder, "train")) && Directory.Exists(Path.Combine(folder, "test"));

    public static PictureFolderScan Scan(string folder, IReadOnlyList<string>? classNames = null)
    {
        var skipped = new List<string>();
        bool ownSplits = HasOwnSplitFolders(folder);
        var roots = ownSplits
            ? new[] { (Path.Combine(folder, "train"), SplitHint.Train), (Path.Combine(folder, "test"), SplitHint.Test) }
            : new[] { (folder, SplitHint.None) };

        var classFolders = roots.SelectMany(r => ClassFoldersIn(r.Item1, skipped).Select(f => (Folder: f, Split: r.Item2))).ToList();
        var folderNames = classFolders.Select(c => Path.GetFileName(c.Folder)).Distinct(StringComparer.Ordinal).ToList();
        if (folderNames.Count == 0)
            throw new MnistException("PictureFolderNoClasses", MnistErrorKind.InvalidData,
                $"'{folder}' holds no class folders: a picture dataset is one subfolder per class (0/, 1/, ... or any names) of picture files{(ownSplits ? ", inside train/ and test/" : "")}.",
                folder);

        var names = classNames ?? ClassListIn(folder) ?? folderNames.Order(StringComparer.Ordinal).ToList();
        if (names.Count > 256)
            throw new MnistException("PictureFolderTooManyClasses", MnistErrorKind.LimitsExceeded,
                $"'{folder}' has {names.Count} classes; a dataset holds at most 256.", folder);
        var labelOfFolder = LabelsOfFolders(folder, folderNames, names);

        var pictures = new List<PictureEntry>();
        foreach (var (classFolder, split) in classFolders)
        {
            int label = labelOfFolder[Path.GetFileName(classFolder)];
            int before = pictures.Count;
            foreach (var file in FilesUnder(classFolder, skipped, depth: 0))
            {
                if (PictureFiles.IsPictureName(file)) pictures.Add(new PictureEntry(file, label, split));
                else skipped.Add(file);
            }
            if (pictures.Count == before)
                throw new MnistException("PictureClassEmpty", MnistErrorKind.InvalidData,
                    $"The class folder '{classFolder}' holds no picture files (PNG, JPEG, BMP, GIF or WebP).", classFolder);
        }
        return new PictureFolderScan(names, pictures, skipped, ownSplits);
    }

    /// <summary>Each class folder's label: its position among the class names, by name or by the name's safe folder name.</summary>
    private static Dictionary<string, int> LabelsOfFolders(string folder, IReadOnlyList<string> folderNames, IReadOnlyList<string> names)
    {
        var byFolder = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int label = 0; label < names.Count; label++)
        {
            byFolder.TryAdd(names[label], label);
            byFolder.TryAdd(ClassFolderNames.For(names[label]), label);
        }
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in folderNames)
        {
            if (!byFolder.TryGetValue(name, out int label))
                throw new MnistException("PictureClassNotNamed", MnistErrorKind.InvalidData,
                    $"The class folder '{name}' in '{folder}' is not one of the class names given ({string.Join(", ", names)}); name it, or move it out of the folder.",
                    Path.Combine(folder, name));
            result[name] = label;
        }
        return result;
    }

    /// <summary>The class names in label order from the folder's classes.txt, when it has one.</summary>
    private static IReadOnlyList<string>? ClassListIn(string folder)
    {
        var path = Path.Combine(folder, ClassFolderNames.ListFile);
        if (!PictureFiles.IsRegularFile(path)) return null;
        if (new FileInfo(path).Length > 1 << 20)
            throw new MnistException("ClassListInvalid", MnistErrorKind.LimitsExceeded, $"'{path}' is larger than 1 MB; it should list one class name per line.", path);
        var names = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (names.Count == 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new MnistException("ClassListInvalid", MnistErrorKind.InvalidData,
                $"'{path}' must list each class name once, one per line, in label order.", path);
        return names;
    }

    private static IEnumerable<string> ClassFoldersIn(string root, List<string> skipped)
    {
        var folders = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory)
            {
                // Links are never followed; hidden folders (.ipynb_checkpoints, an export's temporary folder) are no class.
                if (directory.LinkTarget is not null || directory.Name.StartsWith('.')) skipped.Add(directory.FullName);
                else folders.Add(directory.FullName);
            }
            else if (!string.Equals(entry.Name, ClassFolderNames.ListFile, StringComparison.Ordinal))
            {
                skipped.Add(entry.FullName);
            }
        }
        folders.Sort(StringComparer.Ordinal);
        return folders;
    }

    private static IEnumerable<string> FilesUnder(string folder, List<string> skipped, int depth)
    {
        if (depth > InputLimits.MaxPictureFolderDepth)
            throw new MnistException("PictureFolderTooDeep", MnistErrorKind.LimitsExceeded,
                $"'{folder}' is more than {InputLimits.MaxPictureFolderDepth} folders below its class folder.", folder);
        var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo directory)
            {
                if (directory.LinkTarget is not null) { skipped.Add(directory.FullName); continue; }
                foreach (var file in FilesUnder(directory.FullName, skipped, depth + 1)) yield return file;
            }
            else
            {
                yield return entry.FullName;
            }
        }
    }
}
