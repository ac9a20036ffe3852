<#
.SYNOPSIS
    Trains the CNN (New-MnistModel -Architecture Cnn) on full MNIST and prints its test accuracy and seconds per epoch.
.EXAMPLE
    dotnet pwsh ./bench/cnn.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [int] $Epochs = 3,
    [int] $BatchSize = 64,
    [double] $LearningRate = 0.002,
    [ValidateSet('Constant', 'Step', 'Cosine')]
    [string] $Schedule = 'Cosine',
    [double] $ValidationSplit = 0,
    [int] $TrainCount = 0,
    [long] $Seed = 1
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest

$data = if ($TrainCount -gt 0) { Import-MnistData -TrainCount $TrainCount } else { Import-MnistData }
$model = New-MnistModel -Architecture Cnn -Seed $Seed -LearningRate $LearningRate -Schedule $Schedule
$model | Out-Host

$trained = $data | Invoke-MnistTraining -Model $model -Epochs $Epochs -BatchSize $BatchSize -ValidationSplit $ValidationSplit
$trained.History | Format-Table | Out-Host
$evaluation = $trained | Test-MnistModel

$seconds = ($trained.History | Measure-Object Seconds -Average).Average
Write-Host ("CNN: test accuracy {0:F4} after {1} epochs; {2:F1} s per epoch (threads: {3}, batch {4}, lr {5}, {6})" -f `
    $evaluation.Accuracy, $Epochs, $seconds, [Environment]::ProcessorCount, $BatchSize, $LearningRate, $Schedule)
[pscustomobject]@{ Accuracy = $evaluation.Accuracy; SecondsPerEpoch = $seconds; Epochs = $Epochs }
