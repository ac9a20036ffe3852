@{
    Synopsis    = 'Keras fit(): trains a model on a dataset''s training split and outputs the model with its History.'
    Description = @'
Invoke-MnistTraining trains a model (the notebook's model when -Model is not given) on the training split of the
dataset it receives. Like Keras, the last -ValidationSplit fraction of the training split is held out and scored
after every epoch. One line per epoch (loss, accuracy, val_loss, val_accuracy, seconds) goes to the information
stream (tag Mnist.Epoch) unless -Quiet is given; Write-Progress shows the batches.

The output is the trained model: History has one row per epoch, and TrainingData remembers what the data was
(name, SHA-256 sums, class names, split sizes; never the data itself), so Test-MnistModel and Get-MnistPrediction
find its test split again without being told: while the dataset is loaded in the session, or from the cache for a
known dataset. An untrained model takes the data's class names; a trained model refuses data with other classes or
another image shape (ModelClassesMismatch, ModelDataMismatch). Training a model again continues from its current
weights, optimizer state and learning-rate schedule (a cosine schedule continues where it was).

The training is a short loop with callbacks, as in Keras: History, the learning-rate schedule, early stopping
(-Patience, -Monitor, -MinDelta), the best checkpoint (-CheckpointPath), the time limit (-MaxDuration), progress and
your own -OnEpochEnd script block.

-Seed makes a run repeatable: the same seed, data, options and -ThreadCount give bitwise the same weights and
History, also when several trainings run at once in one process (ForEach-Object -Parallel, thread jobs).

-Augment changes every training image a little, anew in each batch: a random rotation (up to 10 degrees either
way), shift (up to 2 pixels in each direction), zoom (0.9 to 1.1) and horizontal shear (up to 10 degrees), done on
the batch in libtorch (affine_grid and bilinear grid_sample, zeros outside the image). The model learns digits that
are a little off-centre, tilted, larger or smaller, as drawn or photographed digits are; validation and test images
are never changed. -AugmentRotation, -AugmentShift, -AugmentScale and -AugmentShear set the ranges; 0 turns a
change off. The random changes come from the model's generator, so -Seed still repeats a run bitwise. Each History
row records the ranges its epoch used (Augmentation; the Augmented column), as does the model file, and the model's
Augmentation shows those of its last augmented epoch.

-Precision BFloat16 trains with mixed precision, as PyTorch's autocast does on the CPU: the matrix products and
convolutions run in bfloat16 (accumulated in float32) while the weights, the optimizer, the loss and every prediction
stay float32. It is refused on processors without AVX512-BF16 or AMX-BF16, where it would be slower. Each History row
records it (Precision). Measured on this module's bench machine: the notebook's epoch about 20% shorter, the same
test accuracy.

A stopped training changes nothing it did not finish: Ctrl+C (or Stop() on a PowerShell instance), -MaxDuration
running out mid-epoch, or an error leave the model exactly as after its last completed epoch (weights, optimizer
state, random generator and History agree), and a warning says where it stopped. The model is yours without -Model:
after Ctrl+C or Stop(), $model = Get-MnistStoppedModel (the warning names it); after an error, the error record's
TargetObject is the model ($Error[0].TargetObject).

-BackupPath makes a run survive a kill: the same command run again resumes from the last completed epoch and ends
bitwise as an unbroken run. -LogPath writes a CSV row per epoch as it ends. With early stopping that restores the best
weights, EpochsTrained names the epoch whose weights the model holds and History keeps the later epochs with
InWeights False. -TerminateOnNaN (on by default) and -ReduceLROnPlateau are Keras' callbacks of those names. See
docs/training.md.
'@
    Parameters  = @{
        Data            = 'The dataset to train on, from Import-MnistData, or its Train split; the Train split is used. Takes the dataset from the pipeline.'
        Model           = 'The model to train, from New-MnistModel, Import-MnistModel or an earlier training; takes a model from the pipeline ($model | Invoke-MnistTraining -Data $data). Defaults to a new model of the notebook''s architecture, with -Seed.'
        Epochs          = 'Passes over the training data, 1 to 100000.'
        BatchSize       = 'Images per gradient step, 1 to 65536. Defaults to the model''s own (its BatchSize, shown in its summary: 128 for Mlp, 64 for Cnn, 256 for FastCnn).'
        ValidationSplit = 'The fraction of the training split held out for validation, as Keras takes it: from 0 (no validation) up to 0.99. Negative values and 1 or more are rejected.'
        Seed            = 'Seed (0 or more) for a new model''s weights, or, with -Model, re-seeds that model''s generator for shuffling and dropout. Same seed and -ThreadCount, same result.'
        ThreadCount     = 'Intra-op threads libtorch uses, 1 to 1024; defaults to the number of processors. Results are reproducible for a fixed thread count; different counts give slightly different sums. Tab completion offers 1 to the number of processors.'
        Patience        = 'Early stopping (Keras'' EarlyStopping): stop when the -Monitor metric has not improved by more than -MinDelta for this many epochs (1 or more), and put back the weights of the best epoch. Needs a validation split.'
        Monitor         = 'What early stopping and the checkpoint watch: val_loss (lower is better; Keras'' default) or val_accuracy (higher is better).'
        MinDelta        = 'The least change of the -Monitor metric that counts as an improvement for early stopping (0 or more; default 0).'
        CheckpointPath  = 'A file to which the best model (by -Monitor) is saved after each epoch that improves on it, in the format its extension names: .onnx (ONNX), .pt or .pth (a PyTorch state_dict with its architecture .json beside it), anything else the module''s own format. Needs a validation split. Checked before the first epoch: its folder, and what is there (only an earlier checkpoint of the same format is replaced without -Force). With -WhatIf nothing is trained or written.'
        Force           = 'Lets -CheckpointPath replace a file that is not an earlier checkpoint (notes, another program''s file; devices, FIFOs and folders are never replaced), and starts an existing -LogPath file afresh.'
        MaxDuration     = 'A time limit for the whole training, for nightly windows (for example (New-TimeSpan -Minutes 30) or ''00:30:00''). Between epochs, an epoch that would not fit in the time left is not started; mid-epoch, the clock is checked every batch and the unfinished epoch is undone. The model is as after its last completed epoch and a warning says so.'
        OnEpochEnd      = 'A script block run after each epoch with the History row as $args[0] (and $_) and the training as $args[1]: log to your own monitoring, and call $args[1].Stop(''reason'') to end the training after this epoch. Its output is discarded (use Write-Host or Write-Information); an error in it ends the training with the error id OnEpochEndFailed, the model as after that epoch.'
        Quiet           = 'Do not write the per-epoch lines to the information stream.'
        Augment         = 'Trains on randomly changed images: each training image of each batch is rotated, shifted, zoomed and sheared by random amounts within the -Augment* ranges (validation images never are). Costs some time per epoch and usually needs more epochs, for a model that copes better with digits that are not centred and upright. Not given, the model decides: the CNN augments by default (part of its recipe), the other architectures do not; -Augment:$false trains without it.'
        AugmentRotation = 'With -Augment: the largest rotation, in degrees either way, 0 to 180 (default 10; 0 for none). Keep it small: a 6 turned far enough is a 9.'
        AugmentShift    = 'With -Augment: the largest shift in pixels, each direction drawn apart, 0 to 14 (default 2; MNIST digits have a 4-pixel margin).'
        AugmentScale    = 'With -Augment: the zoom range: a factor drawn from 1 - value to 1 + value, value 0 to 0.5 (default 0.1).'
        AugmentShear    = 'With -Augment: the largest horizontal shear, in degrees either way, 0 to 45 (default 10).'
        Precision       = 'The number format of the products: Float32 (default) or BFloat16 (mixed precision; needs a CPU with AVX512-BF16 or AMX-BF16, else PrecisionNotSupported).'
        BackupPath      = 'A folder (created if missing) where the whole training state is saved after every epoch, replacing the last backup atomically (Keras'' BackupAndRestore): weights, optimizer state, random generator, learning-rate schedule, History and the callbacks'' state. Run the same command again after the process was stopped or killed at any moment and it continues from the last completed epoch, ending bitwise as an unbroken run with the same seed and -ThreadCount would. Without -Seed the rerun takes the backup''s seed. A finished run (also one ended early or by -MaxDuration) clears its backup. A backup made for other data, another model or other settings is refused (BackupMismatch) with the settings that differ.'
        LogPath         = 'A CSV file with one row per epoch (Keras'' CSVLogger), columns epoch, loss, accuracy, val_loss, val_accuracy, lr, seconds, written and flushed to disk as each epoch ends: follow it with Get-Content -Wait or Import-Csv while the run goes on. A new run refuses an existing file (FileExists) unless -Force; a run resumed from -BackupPath appends to it (dropping rows of epochs the backup does not hold).'
        TerminateOnNaN  = 'Keras'' TerminateOnNaN, on by default: an epoch whose loss or val_loss is not a finite number ends the training with the error TrainingDiverged; that epoch is undone, so the model (the error''s TargetObject) keeps the weights of its last finite epoch. -TerminateOnNaN:$false trains on regardless.'
        ReduceLROnPlateau = 'Keras'' ReduceLROnPlateau: when the -Monitor metric has not improved by more than -MinDelta for -ReduceLRPatience epochs, the learning rate is multiplied by -ReduceLRFactor (never below -MinLearningRate), and the wait starts again. The lowered rate scales the model''s own schedule; History''s lr column shows it. Needs a validation split.'
        ReduceLRFactor  = 'With -ReduceLROnPlateau: what the rate is multiplied by on a plateau, between 0 and 1 (default 0.1).'
        ReduceLRPatience = 'With -ReduceLROnPlateau: epochs without improvement before the rate is lowered, 1 or more (default 10, as Keras).'
        MinLearningRate = 'With -ReduceLROnPlateau: the rate is never lowered below this (default 0).'
    }
    Defaults    = @{ BatchSize = 'The model''s own (128; 64 for Cnn; 256 for FastCnn)'; ThreadCount = 'The number of processors'; Seed = 'A random seed, recorded on the model'; Monitor = 'val_loss'; MaxDuration = 'None'; AugmentRotation = '10'; AugmentShift = '2'; AugmentScale = '0.1'; AugmentShear = '10'; Precision = 'Float32'; TerminateOnNaN = 'On'; ReduceLRFactor = '0.1'; ReduceLRPatience = '10'; MinLearningRate = '0' }
    Inputs      = @('Mnist.Core.Data.MnistDataset: the data to train on.', 'Mnist.Core.Modeling.MnistModel: a model to train further (with -Data).')
    Outputs     = @('Mnist.Core.Modeling.MnistModel: the trained model, with History, TrainingData, ClassNames and Seed.')
    Examples    = @(
        @{ Code = @'
$data = Import-MnistData -TrainCount 3000 -TestCount 500
$model = $data | Invoke-MnistTraining -Epochs 20 -MaxDuration '00:02:00' -Quiet -OnEpochEnd {
    param($record, $training)
    Write-Host ('epoch {0}: val_accuracy {1:F4}' -f $record.Epoch, $record.val_accuracy)
    if ($record.val_accuracy -ge 0.9) { $training.Stop('val_accuracy reached 0.9') }
}
$model.History | Select-Object Epoch, val_loss, val_accuracy
'@; Remarks = 'A nightly-style run: at most two minutes of training, a line per epoch to the host, and a stop once validation accuracy reaches 0.9. A warning says why the training ended; the model is as after its last completed epoch.' }
        @{ Code = @'
$data = Import-MnistData -TrainCount 2000 -TestCount 200
$backup = Join-Path ([IO.Path]::GetTempPath()) mnist-nightly-backup
$log = Join-Path ([IO.Path]::GetTempPath()) mnist-nightly.csv
$model = $data | Invoke-MnistTraining -Epochs 3 -Seed 1 -BackupPath $backup -LogPath $log -Force -Quiet
Import-Csv $log | Format-Table
'@; Remarks = 'A run that survives a kill: after every epoch its whole state is in the backup folder, so running the same command again after the process was killed continues from the last completed epoch (and ends bitwise as an unbroken run would). The CSV log gets a row per epoch as it ends; the finished run clears its backup.' }
        @{ Code = @'
$data = Import-MnistData -TrainCount 2000 -TestCount 200
$model = $data | Invoke-MnistTraining -Epochs 4 -Seed 1 -Quiet -ReduceLROnPlateau -ReduceLRPatience 1 -ReduceLRFactor 0.5 -MinLearningRate 0.0001
$model.History | Format-Table Epoch, val_loss, lr
'@; Remarks = 'Halves the learning rate each time val_loss fails to improve for an epoch, down to 0.0001; the lr column shows the rate each epoch used.' }
        @{ Code = 'Import-MnistData | Invoke-MnistTraining -Epochs 5 | Test-MnistModel'; Remarks = 'The notebook in one line: trains the notebook''s model for 5 epochs with batch size 128 and a 0.1 validation split, then evaluates it on the 10,000 test images (about 0.98 accuracy).'; NotRunByTests = 'a full 5-epoch training; Pipeline.Tests.ps1 runs exactly this pipeline' }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 2 -Seed 7 -ThreadCount 1 -Quiet
$model.History | Format-Table
'@; Remarks = 'Trains quietly on a small slice with a fixed seed and one thread (a reproducible run), then shows loss, accuracy, val_loss and val_accuracy per epoch.' }
        @{ Code = @'
$data = Import-MnistData -TrainCount 3000 -TestCount 500
$model = $data | Invoke-MnistTraining -Epochs 2 -Augment -AugmentRotation 15 -AugmentShift 3 -Seed 1 -Quiet
$model.History | Format-Table
$model.Augmentation
'@; Remarks = 'Trains with augmentation: each training image is rotated up to 15 degrees, shifted up to 3 pixels, zoomed by 0.9 to 1.1 and sheared up to 10 degrees, drawn anew per batch. History marks the epochs as augmented and the model shows the ranges it was trained with.' }
        @{ Code = @'
if ((Get-MnistEnvironment).Avx512Bf16) {
    $model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 2 -Precision BFloat16 -Seed 1 -Quiet
    $model.History | Format-Table Epoch, loss, val_accuracy, Seconds, Precision
}
'@; Remarks = 'Trains with mixed precision (bfloat16 products, float32 weights) where the processor has bfloat16 hardware; History shows BFloat16 for each epoch. Elsewhere -Precision BFloat16 stops with PrecisionNotSupported.' }
        @{ Code = @'
$data = Import-MnistData -TrainCount 3000 -TestCount 500
$manifest = Join-Path (Get-Module Mnist).ModuleBase Mnist.psd1
1, 2 | ForEach-Object -Parallel {
    Import-Module $using:manifest
    $using:data | Invoke-MnistTraining -Epochs 1 -Seed $_ -ThreadCount 1 -Quiet
}
'@; Remarks = 'Trains two models at once, in two runspaces of one process, with different seeds. Each run gives bitwise the same History as it would alone. The module is imported in each runspace by path; when Mnist is installed in $env:PSModulePath it loads by itself.' }
    )
}
