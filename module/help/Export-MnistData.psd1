@{
    Synopsis    = 'Writes a dataset, a split, samples or predictions as IDX files, a Keras mnist.npz, Kaggle CSV or PNG class folders.'
    Description = @'
Export-MnistData writes images with their labels in the formats other tools read, and Import-MnistData reads back:

  Idx  The original MNIST files in the folder -Path: train-images-idx3-ubyte, train-labels-idx1-ubyte,
       t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (those of the splits given; .gz added with -Compress).
  Npz  A Keras-style mnist.npz at -Path (or mnist.npz inside it, when -Path is a folder): uint8 arrays x_train
       (N, 28, 28), y_train (N), x_test, y_test, as numpy.load and keras.datasets read them.
  Csv  Kaggle's digit-recognizer layout: a header label,pixel0,...,pixel783, then one row per image (the label is the
       class's index). A dataset writes train.csv and test.csv into the folder -Path; a split, samples or
       predictions write one file when -Path ends in .csv, else <split>.csv into the folder -Path.
  Png  8-bit grayscale PNG files (pixel values exactly the image's bytes, 0 = background) in one folder per class,
       with classes.txt beside them: the class names in label order, one per line. A dataset writes
       train/<class>/ and test/<class>/; a split, samples or predictions write <class>/ directly. Class folders
       are the class names made safe for every platform (T-shirt/top becomes T-shirt_top). Pictures are named
       <row>.png (00042.png) for a dataset or split and <split>-<index>.png (test-00042.png) for samples.

Predictions are written under their true class (-By Label, the default) or the predicted class (-By Predicted),
and a prediction's picture is named <image>-predicted-<class>-label-<class>.png, for example
test-00042-predicted-7-label-2.png (the label part is left out when the image has no true class; <image> is the
picture file's name for a prediction of a file). So the mistakes of a model land in folders a person can review
and move into the right class folder. In IDX, npz and CSV, -By decides the label written.

Samples and predictions are grouped by their split (Train, or Test; a prediction of a picture file counts as test);
one export takes one dataset, one split, or any number of samples or of predictions of one image shape and one set
of classes.

Nothing is ever half-written: a single file is written beside its target and renamed into place; a folder's files
are written into a temporary folder (beside a new target, inside an existing one) and moved into place only when
all are complete, so Ctrl+C or an error leaves the target as it was. An existing file is overwritten only with -Force (else FileExists, checked for
every file before anything is written); other files in an existing folder are left alone. -WhatIf and -Confirm
are honoured. Long exports show progress.
'@
    Parameters  = @{
        InputObject = 'What to write: a dataset (Import-MnistData), one split ($data.Test), or samples (Get-MnistSample) or predictions (Get-MnistPrediction) from the pipeline.'
        Path        = 'Where to write: a folder for Idx and Png (created if missing; its parent must exist) and for Csv of a dataset, a file for Npz (or a folder to hold mnist.npz), and a file ending in .csv or a folder for Csv of a split, samples or predictions. Relative paths are resolved against the current location.'
        LiteralPath = 'As -Path, taken exactly as written (no wildcards).'
        Format      = 'Idx, Npz, Csv or Png (see the description).'
        Compress    = 'With -Format Idx: gzip each file (train-images-idx3-ubyte.gz, ...), as the files on the MNIST mirrors are.'
        By          = 'For predictions: the class each is written under, Label (its true class, the default) or Predicted (the class the model chose).'
        Force       = 'Overwrite files that exist. Files of an existing folder that the export does not write are left alone.'
    }
    Inputs      = @('Mnist.Core.Data.MnistDataset, Mnist.Core.Data.MnistSplit, Mnist.Core.Data.MnistSample or Mnist.Core.Evaluation.MnistPrediction.')
    Outputs     = @('Mnist.Core.Data.Export.MnistDataExport: the path, format, how many train and test images and how many files were written.')
    Examples    = @(
        @{ Code = @'
Import-MnistData -TrainCount 1000 -TestCount 200 | Export-MnistData ./mnist-small.npz -Format Npz
Import-MnistData -Path ./mnist-small.npz
'@; Remarks = 'Writes a slice of MNIST as a Keras mnist.npz and reads it back.' }
        @{ Code = @'
$data = Import-MnistData -TrainCount 2000 -TestCount 200
$model = $data | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Get-MnistPrediction -Data $data | Where-Object { -not $_.IsCorrect } | Export-MnistData ./review -Format Png
Get-ChildItem ./review -Recurse -Filter *.png | Select-Object -First 5 Name, Directory
'@; Remarks = 'Writes the test images the model got wrong as PNG files in folders of their true class, each named with what the model predicted, for a person to review.' }
        @{ Code = @'
Import-MnistData -TrainCount 500 -TestCount 100 | Export-MnistData ./mnist-idx -Format Idx -Compress
Import-MnistData -TrainCount 500 -TestCount 100 | Export-MnistData ./mnist-csv -Format Csv
'@; Remarks = 'Writes gzipped IDX files, and Kaggle-layout train.csv and test.csv.' }
        @{ Code = @'
Import-MnistData -Split Test | Export-MnistData ./mnist-png -Format Png -WhatIf
'@; Remarks = 'Shows what would be written without writing anything.' }
    )
}
