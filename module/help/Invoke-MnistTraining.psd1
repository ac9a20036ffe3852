@{
    Synopsis    = 'Keras fit(): trains a model on a dataset''s training split and outputs the model with its History.'
    Description = @'
Invoke-MnistTraining trains a model (the notebook's model when -Model is not given) on the training split of the
dataset it receives. Like Keras, the last -ValidationSplit fraction of the training split is held out and scored
after every epoch. One line per epoch (loss, accuracy, val_loss, val_accuracy, seconds) goes to the information
stream (tag Mnist.Epoch) unless -Quiet is given; Write-Progress shows the batches.

The output is the trained model: History has one row per epoch, TrainedOn remembers the dataset, so
Test-MnistModel and Get-MnistPrediction use its test split without being told. Training a model again continues
from its current weights and optimizer state.

-Seed makes a run repeatable: the same seed, data, options and -ThreadCount give bitwise the same weights and
History, also when several trainings run at once in one process (ForEach-Object -Parallel, thread jobs).

Ctrl+C (or Stop() on a PowerShell instance) stops training at the next batch; the model keeps the epochs that
finished.
'@
    Parameters  = @{
        Data            = 'The dataset to train on, from Import-MnistData; its Train split is used. Takes the dataset from the pipeline. To train a model further, give it with -Model and its data with -Data (for a model trained in this session, -Data $model.TrainedOn).'
        Model           = 'The model to train, from New-MnistModel or an earlier training. Defaults to a new model of the notebook''s architecture, with -Seed.'
        Epochs          = 'Passes over the training data, 1 to 100000.'
        BatchSize       = 'Images per gradient step, 1 to 65536.'
        ValidationSplit = 'The fraction of the training split held out for validation, as Keras takes it: from 0 (no validation) up to 0.99. Negative values and 1 or more are rejected.'
        Seed            = 'Seed (0 or more) for a new model''s weights, or, with -Model, re-seeds that model''s generator for shuffling and dropout. Same seed and -ThreadCount, same result.'
        ThreadCount     = 'Intra-op threads libtorch uses, 1 to 1024; defaults to the number of processors. Results are reproducible for a fixed thread count; different counts give slightly different sums. Tab completion offers 1 to the number of processors.'
        Patience        = 'Early stopping: stop when validation accuracy has not improved for this many epochs (1 or more) and restore the best weights. Needs a validation split.'
        CheckpointPath  = 'A file to which the best model (by validation accuracy) is saved after each epoch that improves on it. Needs a validation split. With -WhatIf nothing is trained or written.'
        Quiet           = 'Do not write the per-epoch lines to the information stream.'
    }
    Defaults    = @{ ThreadCount = 'The number of processors'; Seed = 'A random seed, recorded on the model' }
    Inputs      = @('Mnist.Core.Data.MnistDataset: the data to train on.')
    Outputs     = @('Mnist.Core.Modeling.MnistModel: the trained model, with History, TrainedOn and Seed.')
    Examples    = @(
        @{ Code = 'Import-MnistData | Invoke-MnistTraining -Epochs 5 | Test-MnistModel'; Remarks = 'The notebook in one line: trains the notebook''s model for 5 epochs with batch size 128 and a 0.1 validation split, then evaluates it on the 10,000 test images (about 0.98 accuracy).'; NotRunByTests = 'a full 5-epoch training; Pipeline.Tests.ps1 runs exactly this pipeline' }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 2 -Seed 7 -ThreadCount 1 -Quiet
$model.History | Format-Table
'@; Remarks = 'Trains quietly on a small slice with a fixed seed and one thread (a reproducible run), then shows loss, accuracy, val_loss and val_accuracy per epoch.' }
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
