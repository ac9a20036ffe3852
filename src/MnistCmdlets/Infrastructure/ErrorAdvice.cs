namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// What a PowerShell user can do about each error (ErrorRecord.ErrorDetails.RecommendedAction). The core's messages
/// say what is wrong in the core's terms; the advice here speaks of parameters and cmdlets. Every id the module
/// raises has an entry (a test keeps it so).
/// </summary>
internal static class ErrorAdvice
{
    public static string For(string errorId) => Advice.TryGetValue(errorId, out var advice)
        ? advice
        : $"See Get-Help about_Mnist (ERRORS) or errors.md in the module folder for '{errorId}'.";

    private static readonly Dictionary<string, string> Advice = new()
    {
        ["AccuracyBelowMinimum"] = "Train longer or with other settings, or lower -MinimumAccuracy; the evaluation was still output.",
        ["ChartTooLarge"] = "Ask for a smaller -Width/-Height or fewer images.",
        ["ColumnsOutOfRange"] = "Give -Columns 1 or more.",
        ["CountOutOfRange"] = "Give -Count 1 or more.",
        ["CountTooLarge"] = "Ask for at most as many samples as the split holds, or drop -Random.",
        ["DataChecksumMismatch"] = "Delete the named cached file and run Import-MnistData again to download it afresh.",
        ["DataCountMismatch"] = "Give image and label files of the same split; check that no file was truncated or swapped.",
        ["DataFileNotFound"] = "Put all four IDX files (raw or .gz) in the folder, or give a Keras .npz with -Path.",
        ["DataPathNotFound"] = "Check the -Path; it takes a folder of IDX files or a .npz file, relative to the current location.",
        ["DataPathUnsupported"] = "Give a folder holding the four IDX files, or a Keras mnist.npz.",
        ["DataSplitsDiffer"] = "Give train and test files of the same dataset.",
        ["DownloadFailed"] = "Check the network or $env:MNIST_MIRRORS, raise $env:MNIST_DOWNLOAD_TIMEOUT for a slow mirror, or put the files in the cache folder yourself and use -Path.",
        ["FileExists"] = "Use -Force to overwrite, or choose another -Path.",
        ["FloorNotSupported"] = "Measure the arithmetic floor of an MLP.",
        ["FolderNotFound"] = "Create the folder first (New-Item -ItemType Directory) or give a path in an existing folder.",
        ["FolderNotWritable"] = "Write to a folder you have write permission for.",
        ["IdxBadHeader"] = "The file is damaged or not IDX; get a fresh copy.",
        ["IdxCorruptGzip"] = "The .gz file is damaged; get a fresh copy.",
        ["IdxLabelOutOfRange"] = "Give -ClassNames with as many names as the data has classes, or check the label file.",
        ["IdxNotGzip"] = "Rename the file without .gz if it is a raw IDX file, or get a fresh copy.",
        ["IdxTrailingData"] = "The file is damaged or not the IDX file it claims to be; get a fresh copy.",
        ["IdxTruncated"] = "The file is incomplete or its header lies; get a fresh copy.",
        ["IdxWrongImageSize"] = "The module reads 28x28 images; give MNIST-style data.",
        ["IdxWrongMagic"] = "Check that image and label files are not swapped, and that the file is IDX.",
        ["ImageBlank"] = "Give a picture with a digit on it.",
        ["ImageNotFound"] = "Check the -Path (relative to the current location); use -LiteralPath for names that hold [ ] * or ?.",
        ["ImageTooLarge"] = "Scale the picture down below 16 megapixels first.",
        ["ImageUnreadable"] = "Give a PNG, JPEG, BMP, GIF or WebP picture.",
        ["IndexOutOfRange"] = "Give an -Index below the split's Count.",
        ["InvalidClassCount"] = "Give at least two classes.",
        ["InvalidClassNames"] = "Give one non-empty, distinct name per class, or a known dataset's name (mnist, fashion-mnist, kmnist).",
        ["InvalidDataArgument"] = "Give -Data a dataset from Import-MnistData or one of its splits ($data.Train, $data.Test).",
        ["InvalidModelName"] = "Give a non-empty name.",
        ["InvalidModelSpec"] = "Change the named hyperparameter; see Get-Help New-MnistModel -Parameter <name>.",
        ["InvalidSeed"] = "Give a seed of 0 or more.",
        ["InvalidTrainingOption"] = "Change the named option; see Get-Help Invoke-MnistTraining -Parameter <name>.",
        ["LabelOutOfRange"] = "Give labels from 0 to -Classes minus 1, or raise -Classes.",
        ["ModelArchitectureMismatch"] = "The file's weights belong to another architecture; export the model again or use the file it came from.",
        ["ModelClassesMismatch"] = "Score the model on data with its own classes, or train a new model on this data.",
        ["ModelDataMismatch"] = "Use data with the model's image shape, or a model made for this data.",
        ["ModelFileCorrupt"] = "Do not use this file: export the model again, or get a fresh copy from its source.",
        ["ModelFileInvalid"] = "Give a file written by Export-MnistModel.",
        ["ModelFileNotFound"] = "Check the path (relative to the current location); use -LiteralPath for names that hold [ ] * or ?.",
        ["ModelFileTooLarge"] = "Do not use this file: it is not a model file of the size it claims (possibly hostile).",
        ["ModelFileUnreadable"] = "Check the file's permissions and the disk.",
        ["ModelFormatTooNew"] = "Update the Mnist module to read this file.",
        ["NoChartInput"] = "Pipe samples, predictions, a model or an evaluation to Export-MnistChart.",
        ["NoDataForModel"] = "Give -Data (Import-MnistData), or load the data the model was trained on first.",
        ["NoEvaluation"] = "Run Test-MnistModel on the model first.",
        ["NoFonts"] = "Install a font package (for example fonts-dejavu-core).",
        ["NoHistory"] = "Train the model first (Invoke-MnistTraining).",
        ["NoImages"] = "Pipe at least one sample or prediction.",
        ["NotAnImage"] = "Pipe samples (Get-MnistSample) or predictions (Get-MnistPrediction).",
        ["NpzBadArray"] = "Give a Keras mnist.npz (uint8 images of 28x28, uint8 or int64 labels, C order).",
        ["NpzMissingArray"] = "Give a Keras mnist.npz holding x_train, y_train, x_test and y_test.",
        ["NpzNotZip"] = "The .npz is damaged or not a zip; get a fresh copy.",
        ["OnEpochEndFailed"] = "Fix the -OnEpochEnd script block; the model is as after the epoch it failed on.",
        ["PathIsFolder"] = "Give a file name, not a folder.",
        ["PathWildcardNotUnique"] = "Narrow the wildcard to one item, or use -LiteralPath.",
        ["PixelCountMismatch"] = "Give 784 values (28x28) per image.",
        ["PredictionHasNoPixels"] = "Draw predictions of samples or pictures, which carry their pixels.",
        ["SeedWithoutRandom"] = "Add -Random, or drop -Seed.",
        ["SplitMismatch"] = "Give the dataset, or the split -Split names.",
        ["TargetNotAFile"] = "Give the path of a regular file; devices, FIFOs and sockets are never written over.",
        ["TooManyChartInputs"] = "Pipe one model or one evaluation per History or ConfusionMatrix chart.",
        ["UnknownDataset"] = "Use mnist, fashion-mnist or kmnist, or give -Path.",
        ["UnknownSplit"] = "Use Train or Test.",
        ["UnsupportedChartFormat"] = "End -Path in .png or .svg.",
        ["WrongChartInput"] = "Pipe a model for -Kind History, an evaluation for -Kind ConfusionMatrix, samples or predictions for a grid.",
    };
}
