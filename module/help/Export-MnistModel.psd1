@{
    Synopsis    = 'Saves a model, its training state and its metadata to one file, atomically.'
    Description = @'
Export-MnistModel writes one file (a zip) holding the weights, the optimizer state (Adam's moments) and the
model's random generator, so that training can continue exactly where it stopped, and a model.json with the
architecture and hyperparameters, the History, the last evaluation, the SHA-256 sums of the training data, the
module and TorchSharp versions, a format version and the time. The recorded SHA-256 of the weights lets
Import-MnistModel detect corruption.

The file is written to a temporary file beside the target and then renamed over it, so a failure or Ctrl+C never
leaves a half-written model, and the previous file stays intact. It refuses to overwrite an existing file unless
-Force is given (error FileExists), and honours -WhatIf and -Confirm.
'@
    Parameters  = @{
        Model    = 'The model to save. Takes the model from the pipeline.'
        Path     = 'The file to write. Its folder must exist (else FolderNotFound) and be writable (FolderNotWritable); a folder (PathIsFolder) or a device, FIFO or socket (TargetNotAFile) is refused, even with -Force. Relative paths are resolved against the current location. A path with wildcards must match exactly one existing file (else PathWildcardNotUnique); use -LiteralPath for a new name with [ ] * or ?.'
        LiteralPath = 'The file to write, taken exactly as written: no wildcard expansion (for names holding [ ] * or ?). Otherwise as -Path.'
        Force    = 'Overwrite the file if it exists.'
        PassThru = 'Output the model after saving it, so the pipeline can go on.'
    }
    Inputs      = @('Mnist.Core.Modeling.MnistModel: the model to save.')
    Outputs     = @('None, or Mnist.Core.Modeling.MnistModel with -PassThru.')
    Examples    = @(
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Export-MnistModel -Path ./mnist.model -Force
'@; Remarks = 'Trains a small model and saves it as mnist.model in the current folder, replacing an earlier file of that name.' }
        @{ Code = @'
$model = New-MnistModel -Seed 1
$model | Export-MnistModel -Path (Join-Path ([IO.Path]::GetTempPath()) 'mnist-whatif.model') -WhatIf
'@; Remarks = 'Shows what would be written without writing anything.' }
    )
}
