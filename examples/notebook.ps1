<#
.SYNOPSIS
    The Keras MNIST notebook, as Mnist cmdlets: load, look, build, fit 5 epochs, evaluate, predict.
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [int] $Epochs = 5,
    [long] $Seed = 42
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest

$data = Import-MnistData
$data | Format-List | Out-Host

$model = New-MnistModel -Seed $Seed
$model | Out-Host

$trained = $data | Invoke-MnistTraining -Model $model -Epochs $Epochs -BatchSize 128 -ValidationSplit 0.1
$evaluation = $trained | Test-MnistModel
$evaluation | Format-List | Out-Host
Write-Host ("Test accuracy: {0:F4}  loss: {1:F4}" -f $evaluation.Accuracy, $evaluation.Loss)

$first = $trained | Get-MnistPrediction -Index 0
Write-Host ("First test image: predicted {0} ({1:P1}), label {2}" -f $first.Predicted, $first.Confidence, $first.Label)
