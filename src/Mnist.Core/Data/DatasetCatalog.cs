namespace Mnist.Core.Data;

/// <summary>The datasets the module knows by name: MNIST, Fashion-MNIST and Kuzushiji-MNIST, all in MNIST's IDX layout.</summary>
public static class DatasetCatalog
{
    public static readonly IReadOnlyList<string> DigitClassNames = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray();

    public static readonly DatasetInfo Mnist = new()
    {
        Name = "mnist",
        Title = "MNIST handwritten digits",
        ClassNames = DigitClassNames,
        TrainImages = MnistFiles.TrainImages,
        TrainLabels = MnistFiles.TrainLabels,
        TestImages = MnistFiles.TestImages,
        TestLabels = MnistFiles.TestLabels,
        Mirrors = MnistFiles.DefaultMirrors,
        NpzSha256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    };

    /// <summary>
    /// Zalando's Fashion-MNIST. The .gz sums are the published ones; the raw sums are of their content (Debian's
    /// dataset-fashion-mnist package recompresses the files, so its .gz differ but its content matches).
    /// </summary>
    public static readonly DatasetInfo FashionMnist = new()
    {
        Name = "fashion-mnist",
        Title = "Fashion-MNIST clothing pictures",
        ClassNames = new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" },
        TrainImages = new("train-images-idx3-ubyte", "train-images.idx3-ubyte",
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
        TrainLabels = new("train-labels-idx1-ubyte", "train-labels.idx1-ubyte",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
        TestImages = new("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
        TestLabels = new("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148),
        Mirrors = new[] { "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/" },
    };

    /// <summary>
    /// Kuzushiji-MNIST (cursive Japanese hiragana). Only the .gz sums are published (torchvision, tensorflow_datasets);
    /// the raw files' sums are not, so a folder of raw KMNIST files is not recognised by its sums: name it with -Name.
    /// </summary>
    public static readonly DatasetInfo Kmnist = new()
    {
        Name = "kmnist",
        Title = "Kuzushiji-MNIST cursive hiragana",
        ClassNames = new[] { "o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo" },
        TrainImages = new("train-images-idx3-ubyte", "train-images.idx3-ubyte", "",
            "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4", 0),
        TrainLabels = new("train-labels-idx1-ubyte", "train-labels.idx1-ubyte", "",
            "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", 0),
        TestImages = new("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte", "",
            "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", 0),
        TestLabels = new("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte", "",
            "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c", 0),
        Mirrors = new[] { "http://codh.rois.ac.jp/kmnist/dataset/kmnist/" },
    };

    public static readonly IReadOnlyList<DatasetInfo> All = new[] { Mnist, FashionMnist, Kmnist };

    public static IEnumerable<string> Names => All.Select(d => d.Name);

    public static DatasetInfo? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static DatasetInfo Get(string name) => Find(name) ?? throw new MnistException("UnknownDataset", MnistErrorKind.InvalidArgument,
        $"There is no dataset named '{name}' in the catalogue; known datasets: {string.Join(", ", Names)}.", name);

    /// <summary>The known dataset whose published sums these are, if any.</summary>
    public static DatasetInfo? Recognise(IReadOnlyDictionary<string, string> checksums) => All.FirstOrDefault(d => d.Matches(checksums));

    /// <summary>
    /// Class names as a user gives them: one name of a known dataset stands for that dataset's class names
    /// (-ClassNames fashion-mnist); anything else is taken as the names themselves.
    /// </summary>
    public static IReadOnlyList<string>? ResolveClassNames(IReadOnlyList<string>? given)
    {
        if (given is null) return null;
        if (given.Count == 1 && Find(given[0]) is { } preset) return preset.ClassNames;
        if (given.Count < 2)
            throw new MnistException("InvalidClassNames", MnistErrorKind.InvalidArgument,
                $"Class names '{string.Join(", ", given)}': give at least two names, or the name of a known dataset ({string.Join(", ", Names)}).",
                "ClassNames");
        if (given.Any(string.IsNullOrWhiteSpace) || given.Distinct(StringComparer.Ordinal).Count() != given.Count)
            throw new MnistException("InvalidClassNames", MnistErrorKind.InvalidArgument,
                "Class names must be non-empty and distinct.", "ClassNames");
        return given.ToArray();
    }

    /// <summary>Digit names for ten classes, else the class numbers.</summary>
    public static IReadOnlyList<string> DefaultClassNames(int classes) =>
        classes == 10 ? DigitClassNames : Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray();
}
