@{
    Synopsis    = 'Loads MNIST, or a drop-in variant such as Fashion-MNIST, as one dataset holding both splits.'
    Description = @'
Import-MnistData is the module's mnist.load_data(). Without -Path it reads the per-user cache (~/.cache/mnist, or
$env:MNIST_DATA_DIR); when files are missing it downloads them from the mirrors torchvision and tensorflow_datasets
use ($env:MNIST_MIRRORS overrides them), checks each against the published SHA-256 and only then moves it into the
cache.

With -Path it reads a folder of the four IDX files (raw or .gz, either spelling of the names) or a Keras mnist.npz.
Every file is checked: magic number, header, image size (28x28), label range, image and label counts.

The output is one MnistDataset with Train and Test splits (or one MnistSplit with -Split). A split is deliberately
not enumerated into the pipeline; ask for samples by index. Pixels are normalised to 0-1 once, on the whole split,
the first time a model needs them.
'@
    Parameters  = @{
        Path       = 'A folder with the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz), or a Keras mnist.npz file. Relative paths and ~ are resolved against the current location. Takes FileInfo and DirectoryInfo objects from Get-Item or Get-ChildItem by property name.'
        CachePath  = 'The cache folder to read, and to fill from the mirrors when files are missing. Defaults to $env:MNIST_DATA_DIR, else ~/.cache/mnist.'
        Split      = 'Return only this split: Train or Test. Without it the dataset with both splits is returned.'
        Name       = 'The dataset name shown on the object and remembered by models trained on it (for example fashion-mnist). Defaults to mnist, or the folder name for -Path.'
        ClassNames = 'Names of the classes, in label order (at least two). Use it for variants whose labels are not digits, such as Fashion-MNIST. Defaults to 0 through 9. Tab completion offers the names of the known variants.'
        TrainCount = 'Keep only the first N training images (1 or more): a quick slice for experiments and tests.'
        TestCount  = 'Keep only the first N test images (1 or more).'
    }
    Inputs      = @('System.String: a folder or .npz path, by value or by property name (FullName, PSPath), so Get-Item output binds.')
    Outputs     = @(
        'Mnist.Core.Data.MnistDataset: both splits, its name, source and the SHA-256 of each file.'
        'Mnist.Core.Data.MnistSplit: one split, with -Split.'
    )
    Examples    = @(
        @{ Code = 'Import-MnistData'; Remarks = 'Loads the 60,000 training and 10,000 test images from the cache, downloading and verifying them first if needed.' }
        @{ Code = 'Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet'; Remarks = 'Takes a small slice of MNIST and trains a model on it for one epoch: a quick check that everything works.' }
        @{ Code = 'Import-MnistData -Split Test | Format-List'; Remarks = 'Returns only the test split and shows its count, image shape, label encoding and class counts.' }
        @{ Code = "Import-MnistData -Path ./fashion -Name fashion-mnist -ClassNames 'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'"; Remarks = 'Loads Fashion-MNIST from a folder of IDX files at ./fashion (download it first) with its class names.'; NotRunByTests = 'needs Fashion-MNIST files' }
    )
    Notes       = 'Errors have stable ids (DataPathNotFound, IdxWrongMagic, IdxTruncated, IdxWrongImageSize, IdxLabelOutOfRange, DataCountMismatch, DownloadFailed, ...); see docs/errors.md.'
}
