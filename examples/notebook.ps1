<#
.SYNOPSIS
    The Keras MNIST notebook, as Mnist cmdlets: load, look, build, fit 5 epochs, evaluate, plot, predict.
.DESCRIPTION
    Each step is the notebook's cell of the same name. Charts go to -ChartFolder as PNG files.
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [int] $Epochs = 5,
    [long] $Seed = 42,
    [string] $ChartFolder = (Join-Path ([System.IO.Path]::GetTempPath()) 'mnist-demo')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
New-Item -ItemType Directory $ChartFolder -Force | Out-Null

Write-Host '# Load the data'
$data = Import-MnistData
$data | Format-List | Out-Host

Write-Host '# Look at the first nine training images'
$data | Get-MnistSample -Index (0..8) | Show-MnistImage | Out-Host

Write-Host '# Build and compile the model'
$model = New-MnistModel -Seed $Seed
$model | Out-Host

Write-Host "# Fit: $Epochs epochs, batch 128, validation split 0.1"
$trained = $data | Invoke-MnistTraining -Model $model -Epochs $Epochs -BatchSize 128 -ValidationSplit 0.1
$trained.History | Format-Table | Out-Host

Write-Host '# Evaluate on the 10,000 test images'
$evaluation = $trained | Test-MnistModel
$evaluation | Format-Table | Out-Host
Write-Host $evaluation.ConfusionMatrixText
Write-Host ("Test accuracy: {0:F4}  loss: {1:F4}" -f $evaluation.Accuracy, $evaluation.Loss)

Write-Host '# Predict'
$predictions = $trained | Get-MnistPrediction -Index (0..199)
$first = $predictions[0]
Write-Host ("First test image: predicted {0} ({1:P1}), label {2}" -f $first.Predicted, $first.Confidence, $first.Label)
$wrong = @($predictions | Where-Object IsCorrect -EQ $false | Select-Object -First 6)
if ($wrong) { $wrong | Show-MnistImage | Out-Host }

$trained | Export-MnistChart -Path (Join-Path $ChartFolder 'history.png') -Force
$evaluation | Export-MnistChart -Path (Join-Path $ChartFolder 'confusion.png') -Force
$predictions | Select-Object -First 9 | Export-MnistChart -Path (Join-Path $ChartFolder 'predictions.png') -Force
if ($wrong) { $wrong | Export-MnistChart -Path (Join-Path $ChartFolder 'wrong.png') -Force }
Write-Host "Charts: $ChartFolder (history.png, confusion.png, predictions.png, wrong.png)"
