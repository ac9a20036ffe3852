@{
    Synopsis    = 'Saves a model, its training state and its metadata to one file, atomically; or as ONNX or a PyTorch state_dict.'
    Description = @'
Export-MnistModel writes one file (a zip) holding the weights, the optimizer state (Adam's moments) and the
model's random generator, so that training can continue exactly where it stopped, and a model.json with the
architecture and hyperparameters, the History, the last evaluation, the SHA-256 sums of the training data, the
module and TorchSharp versions, a format version and the time. The recorded SHA-256 of the weights lets
Import-MnistModel detect corruption.

The file is written to a temporary file beside the target and then renamed over it, so a failure or Ctrl+C never
leaves a half-written model, and the previous file stays intact. It refuses to overwrite an existing file unless
-Force is given (error FileExists), and honours -WhatIf and -Confirm.

-Format Onnx (or a path ending in .onnx) writes a standard ONNX model (opset 13) that ONNX Runtime, ML.NET or
any ONNX runtime can serve without this module: input 'pixels', float32 [N, 784], the 28x28 pixels row by row
divided by 255 (as the notebook prepares x_test); output 'probabilities', float32 [N, classes], softmax applied.
Any reshaping happens inside the graph. Its metadata holds the class names (a JSON array, 'class_names'), the
training data's name and checksums ('training_data', 'training_data_checksums') and the module version.

-Format PyTorch (or a path ending in .pt or .pth) writes the weights as a PyTorch state_dict (torch.load reads
it) and, beside it with the extension .json, the architecture: the torch.nn layers in order with their
arguments, under the same names as the state_dict's keys, plus the class names and the input. Both files are
written before either is moved into place; -Force covers both.

Import-MnistModel reads all three formats back. Only the module's own format keeps the optimizer and generator
state that lets training continue exactly; the PyTorch format keeps History, the ONNX format neither.
'@
    Parameters  = @{
        Model    = 'The model to save. Takes the model from the pipeline.'
        Path     = 'The file to write. Its folder must exist (else FolderNotFound) and be writable (FolderNotWritable); a folder (PathIsFolder) or a device, FIFO or socket (TargetNotAFile) is refused, even with -Force. Relative paths are resolved against the current location. A path with wildcards must match exactly one existing file (else PathWildcardNotUnique); use -LiteralPath for a new name with [ ] * or ?.'
        Format   = 'Mnist (the module''s own file), Onnx or PyTorch. Without it the extension decides: .onnx is Onnx, .pt and .pth are PyTorch, anything else Mnist.'
        LiteralPath = 'The file to write, taken exactly as written: no wildcard expansion (for names holding [ ] * or ?). Otherwise as -Path.'
        Force    = 'Overwrite the file (for PyTorch, both files) if it exists.'
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
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Export-MnistModel -Path ./mnist.onnx -Force
'@; Remarks = 'Writes the model as ONNX, for ONNX Runtime in Python, C#, C++ or a browser: input "pixels" [N, 784] of pixel/255, output "probabilities".' }
        @{ Code = @'
New-MnistModel -Architecture Cnn -Seed 1 | Export-MnistModel -Path ./cnn.pt -Format PyTorch -Force
Get-Content ./cnn.json -Raw | ConvertFrom-Json | Select-Object -ExpandProperty layers | Select-Object name, type
'@; Remarks = 'Writes the CNN as a PyTorch state_dict (cnn.pt) with its architecture (cnn.json), and lists the torch.nn layers it names.' }
    )
}
