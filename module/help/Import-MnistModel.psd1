@{
    Synopsis    = 'Loads models saved by Export-MnistModel: its own files, PyTorch state_dicts and ONNX files.'
    Description = @'
Import-MnistModel rebuilds the model described in the file and loads its weights, optimizer state and generator
state: its predictions are bitwise the same as the exported model's, and Invoke-MnistTraining -Model continues
its training (History goes on from the last epoch). History, the last evaluation and the data checksums come back
as properties.

The extension says the format. A .pt or .pth file is a PyTorch state_dict written by Export-MnistModel -Format
PyTorch, read with the architecture file of the same name and the extension .json beside it; the weights may have
been changed in PyTorch (torch.save of the same state_dict), as long as every key, shape and type still fits. Its
predictions are bitwise the same; History and the training data's identity come back, the optimizer state does
not. A .onnx file must be one Export-MnistModel wrote (its architecture is in the metadata): the weights and class
names come back, History and training state do not.

Each file that cannot be loaded gives a non-terminating error naming it, and the other files go on:
ModelFileNotFound (no such file), ModelFileCorrupt (truncated, damaged, or not a model file at all),
ModelFileInvalid (a zip that is not a model), ModelArchitectureMismatch (weights that do not fit the architecture
the file describes), ModelFileTooLarge (an entry that inflates past what the described model needs) and
ModelFormatTooNew (written by a newer version of the module). A PyTorch file that is not a
state_dict gives PyTorchFileInvalid; a missing architecture file PyTorchArchitectureNotFound, a foreign or broken
one PyTorchArchitectureInvalid. A .onnx file that is not ONNX gives OnnxFileInvalid, and an ONNX model made by
another tool OnnxModelForeign.

Model files are untrusted input: every value of model.json, the weights, the optimizer state and the random
generator's state are checked against the architecture before anything is built or handed to libtorch, so a
damaged or hostile file is an error, never a crash of the process.

An imported model does not carry its dataset: give Test-MnistModel and Get-MnistPrediction a -Data.
'@
    Parameters  = @{
        Path = 'One or more model files, relative to the current location. Wildcards expand (Import-MnistModel ./*.mnist); a wildcard that matches nothing gives ModelFileNotFound. Takes strings from the pipeline.'
        LiteralPath = 'Model files taken exactly as written (no wildcards). Get-ChildItem output binds here (PSPath, FullName).'
    }
    Inputs      = @('System.String, System.IO.FileInfo: paths of model files.')
    Outputs     = @('Mnist.Core.Modeling.MnistModel: the loaded model.')
    Examples    = @(
        @{ Code = @'
$path = Join-Path ([IO.Path]::GetTempPath()) 'mnist-import-example.model'
New-MnistModel -Seed 1 | Export-MnistModel -Path $path -Force
$model = Import-MnistModel -Path $path
$model | Test-MnistModel -Data (Import-MnistData -Split Test -TestCount 500)
'@; Remarks = 'Saves a model, loads it back and evaluates it on 500 test images.' }
        @{ Code = @'
$folder = [IO.Path]::GetTempPath()
New-MnistModel -Seed 2 | Export-MnistModel -Path (Join-Path $folder 'mnist-a.model') -Force
Get-ChildItem $folder -Filter 'mnist-*.model' | Import-MnistModel | Select-Object Architecture, ParameterCount, EpochsTrained
'@; Remarks = 'Loads every model file in a folder from the pipeline; a damaged file is reported and the rest are loaded.' }
        @{ Code = @'
$path = Join-Path ([IO.Path]::GetTempPath()) 'mnist-import-example.pt'
New-MnistModel -HiddenUnits 128, 64 -Seed 3 | Export-MnistModel -Path $path -Force
Import-MnistModel -Path $path | Select-Object Name, ParameterCount
'@; Remarks = 'Saves a model as a PyTorch state_dict (with mnist-import-example.json beside it) and reads it back.' }
        @{ Code = @'
Push-Location ([IO.Path]::GetTempPath())
New-MnistModel -Seed 3 | Export-MnistModel -Path 'mnist-b.model' -Force
Import-MnistModel ./mnist-*.model | Select-Object Name, FilePath
Pop-Location
'@; Remarks = 'A wildcard path loads every model file it matches.' }
    )
}
