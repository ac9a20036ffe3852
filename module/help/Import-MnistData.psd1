@{
    Synopsis    = 'Loads MNIST, or a drop-in variant such as Fashion-MNIST, as one dataset holding both splits.'
    Description = @'
Import-MnistData is the module's mnist.load_data(). Without -Path it reads a known dataset from the per-user cache
(~/.cache/mnist, or $env:MNIST_DATA_DIR): MNIST by default, -Name fashion-mnist or -Name kmnist for the others
(each in a folder of its name inside the cache). When files are missing it downloads them from the dataset's
mirrors ($env:MNIST_MIRRORS overrides them: entries holding {dataset} serve every dataset, others MNIST only),
checks each against the published SHA-256 and only then moves it into the cache.

With -Path it reads a folder of the four IDX files (raw or .gz, either spelling of the names) or a Keras mnist.npz.
Every file is checked: magic number, header, image size (28x28), label range, image and label counts. Data whose
SHA-256 sums are a known dataset's (MNIST, Fashion-MNIST) takes that dataset's name and class names; other data is
named after its folder (or .npz file) and has the digit class names, unless -Name and -ClassNames say otherwise.

With -Path it also reads your own labelled data. A folder of class folders of pictures (PNG, JPEG, BMP, GIF, WebP;
0/, 1/, ... or any names; pictures in deeper folders count for their class folder) is a dataset whose class names
are the folder names in ordinal order (or the order of the folder's classes.txt, or of -ClassNames). When the
folder holds train/ and test/, each a folder of class folders, those are the splits; otherwise -TestFraction
decides by each picture's content hash, so a picture never changes split as the folder grows. A 28x28 8-bit
grayscale picture is taken exactly as it is; any other gets the digit preparation of Get-MnistPrediction -Path
(-Preparation changes that). Pictures are prepared on every core, and prepared images are kept in the data cache,
so a grown folder prepares only its new pictures. Files that are not pictures by their extension are skipped
(-Verbose names them); a picture that cannot be read is a non-terminating error naming the file, and the import
goes on. A CSV file holds digits in Kaggle's layout (label,pixel0,...,pixel783) or the headerless one of
mnist_train.csv (label first, then 784 values), or is a manifest of path,label rows naming pictures anywhere; a
folder holding train.csv and test.csv imports as the two splits. Data made from files has an identity from its
content (every image and label, in any order), which models trained on it remember.

The output is one MnistDataset with Train and Test splits (or one MnistSplit with -Split). A split is deliberately
not enumerated into the pipeline; ask for samples by index. Pixels are normalised to 0-1 once, on the whole split,
the first time a model needs them.
'@
    Parameters  = @{
        Path       = 'A folder with the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz), a folder holding train.csv and test.csv, a folder of class folders of pictures, a Keras mnist.npz file, or a .csv file (digits or a path,label manifest). Relative paths and ~ are resolved against the current location. A wildcard must match exactly one folder or file (no match: DataPathNotFound; several: PathWildcardNotUnique).'
        LiteralPath = 'As -Path, taken exactly as written (no wildcards). FileInfo and DirectoryInfo objects from Get-Item or Get-ChildItem bind here by property name (PSPath, FullName).'
        CachePath  = 'The cache folder to read, and to fill from the mirrors when files are missing. Defaults to $env:MNIST_DATA_DIR, else ~/.cache/mnist.'
        Split      = 'Return only this split: Train or Test. Without it the dataset with both splits is returned.'
        Name       = 'Without -Path: the known dataset to read from the cache or download (mnist, fashion-mnist, kmnist; tab completion offers them). With -Path: the name shown on the data and remembered by models trained on it; defaults to the known dataset''s name when the files are recognised by their sums, else the folder or file name.'
        ClassNames = 'Names of the classes, in label order (at least two), or the name of a known dataset for its class names (-ClassNames fashion-mnist). Defaults to the known dataset''s class names when the files are recognised, else 0 through 9. Tab completion offers the known datasets and their lists.'
        TestFraction = 'For pictures and CSV files that do not split the data themselves: the share of images (0 to 0.9, default 0.2) that goes to the test split, decided by each image''s content hash. Every class with 5 or more images gets test images.'
        Preparation = 'How pictures become 28x28 images. By default a 28x28 8-bit grayscale picture is taken exactly as it is and any other picture gets Digit. Digit: the digit preparation of Get-MnistPrediction -Path (isolated, cropped, scaled into 20x20, centred by mass). Resize: grayscale, light paper turned dark, the whole picture fitted into 28x28 and centred (for pictures that are not digits). None: grayscale only; every picture must already be 28x28.'
        TrainCount = 'Keep only the first N training images (1 or more): a quick slice for experiments and tests.'
        TestCount  = 'Keep only the first N test images (1 or more).'
    }
    Inputs      = @('System.String: a folder, .npz or .csv path, by value or by property name (FullName, PSPath), so Get-Item output binds.')
    Outputs     = @(
        'Mnist.Core.Data.MnistDataset: both splits, its name, source and the SHA-256 of each file.'
        'Mnist.Core.Data.MnistSplit: one split, with -Split.'
    )
    Examples    = @(
        @{ Code = 'Import-MnistData'; Remarks = 'Loads the 60,000 training and 10,000 test images from the cache, downloading and verifying them first if needed.' }
        @{ Code = 'Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet'; Remarks = 'Takes a small slice of MNIST and trains a model on it for one epoch: a quick check that everything works.' }
        @{ Code = 'Import-MnistData -Split Test | Format-List'; Remarks = 'Returns only the test split and shows its count, image shape, label encoding and class counts.' }
        @{ Code = 'Import-MnistData -Name fashion-mnist'; Remarks = 'Loads Fashion-MNIST from the cache, downloading and verifying it first if needed; its class names are T-shirt/top, Trouser, ... Ankle boot.'; NotRunByTests = 'needs Fashion-MNIST in the cache or a mirror' }
        @{ Code = 'Import-MnistData -Path /usr/share/datasets/fashion-mnist'; Remarks = 'Loads the Fashion-MNIST files Debian''s dataset-fashion-mnist package installs; they are recognised by their SHA-256 sums and named fashion-mnist, with its class names.'; NotRunByTests = 'needs the dataset-fashion-mnist package' }
        @{ Code = 'Import-MnistData -Path ./my-digits -Verbose | Format-List'; Remarks = 'Loads your own pictures, one folder per class (./my-digits/0, ./my-digits/1, ...), split by content into train and test; the list shows the pictures per class and what was skipped.'; NotRunByTests = 'needs your own pictures' }
        @{ Code = 'Import-MnistData -Path ./digit-recognizer/train.csv -TestFraction 0.1'; Remarks = 'Loads Kaggle''s digit-recognizer training file, keeping a tenth of its rows (by content) for testing.'; NotRunByTests = 'needs the Kaggle file' }
        @{ Code = 'Import-MnistData -Path ./photos -Preparation Resize -ClassNames cat, dog'; Remarks = 'Loads pictures that are not digits, fitted whole into 28x28, with the classes in the order given.'; NotRunByTests = 'needs your own pictures' }
        @{ Code = "Import-MnistData -Path ./my-letters -Name letters -ClassNames 'a', 'b', 'c'"; Remarks = 'Loads your own data in MNIST''s IDX layout with its own name and class names.'; NotRunByTests = 'needs your own files' }
    )
    Notes       = 'Errors have stable ids (DataPathNotFound, IdxWrongMagic, IdxTruncated, IdxWrongImageSize, IdxLabelOutOfRange, DataCountMismatch, DownloadFailed, PictureClassEmpty, ImageUnreadable, CsvRowInvalid, ...); see docs/errors.md. Your own data: docs/own-data.md.'
}
