<#
.SYNOPSIS
    The module's speed and memory next to a PyTorch reference doing the same work on the same machine.
.DESCRIPTION
    Runs in one go: the module's load, epoch, evaluation, prediction and import timings; the same work in PyTorch
    (bench/reference.py, Debian's python3-torch with OpenBLAS, installed with apt when missing); the arithmetic
    floor (fp32 matrix products on the model's own layer shapes, in this process); and the RSS growth over ten
    one-epoch trainings. Prints one table with both sides and their ratio.
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = "$PSScriptRoot/../out/Mnist/Mnist.psd1",
    [ValidateRange(1, 1024)] [int] $ThreadCount = [Environment]::ProcessorCount,
    [ValidateRange(2, 20)] [int] $Epochs = 3,
    # Training images of the Keras CNN's timed epoch on both sides (a full epoch is 54,000; the ratio is what counts).
    [ValidateRange(1000, 60000)] [int] $CnnTrainCount = 10000,
    [switch] $SkipReference
)

$ErrorActionPreference = 'Stop'
$loadAtStart = Get-Content /proc/loadavg
$python = '/usr/bin/python3'

. "$PSScriptRoot/Install-Reference.ps1"

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]
}

function Get-RssMegabytes {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    [double]((Get-Content /proc/self/status | Where-Object { $_ -like 'VmRSS:*' }) -replace '\D', '') / 1024
}

# Import plus first call, in a fresh process (pwsh start-up itself is excluded, as Python's start-up is).
$importScript = "`$c = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModuleManifest'; " +
    "`$null = Get-MnistPrediction -Model (New-MnistModel -Seed 1) -Pixels (,[byte[]]::new(784)); `$c.Elapsed.TotalSeconds"
$importFirst = [double](& dotnet pwsh -NoProfile -NonInteractive -Command $importScript | Select-Object -Last 1)

Import-Module $ModuleManifest
. "$PSScriptRoot/../tools/Import-MnistTools.ps1"
$cache = [Mnist.Core.Data.MnistFiles]::DefaultCacheFolder

$null = Import-MnistData   # warm-up, as the reference has
$loadTimes = 1..5 | ForEach-Object { (Measure-Command { $script:data = Import-MnistData }).TotalSeconds }
$model = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 1) -Epochs $Epochs -ThreadCount $ThreadCount -Quiet
$epoch = Get-Median ($model.History | Select-Object -Skip 1 | ForEach-Object Seconds)
$trainImages = $model.History[0].Samples
$evaluateTimes = 1..3 | ForEach-Object { (Measure-Command { $script:evaluation = $model | Test-MnistModel }).TotalSeconds }
$pixels = $data.Test.GetImage(0)
$predictCore = [Mnist.Core.Diagnostics.PredictionLatency]::MedianSeconds($model, $pixels, 200, 1000)
$null = 1..20 | ForEach-Object { Get-MnistPrediction -Model $model -Pixels (, $pixels) }
$predictCmdlet = Get-Median (1..200 | ForEach-Object { (Measure-Command { Get-MnistPrediction -Model $model -Pixels (, $pixels) }).TotalSeconds })
$floor = [Mnist.Core.Diagnostics.ArithmeticFloorMeter]::Measure($model.Spec, $trainImages, $data.Train.Count - $trainImages, 128, $ThreadCount, [TimeSpan]::FromSeconds(3))

# The same training, one epoch at a time, each between two short measurements of the square-product rate: this
# machine's speed moves by 30-100% within minutes (host steal), so an epoch is compared with the rate next to it.
# The first epoch (JIT warm-up) is left out; the row shows the median of the epochs' ratios.
$paired = New-MnistModel -Seed 1
$pairedRatios = foreach ($i in 1..5) {
    $rateBefore = [Mnist.Core.Diagnostics.ArithmeticFloorMeter]::SquareProductGflopPerSecond($ThreadCount, [TimeSpan]::FromSeconds(1))
    $paired = $data | Invoke-MnistTraining -Model $paired -Epochs 1 -ThreadCount $ThreadCount -Quiet
    $rateAfter = [Mnist.Core.Diagnostics.ArithmeticFloorMeter]::SquareProductGflopPerSecond($ThreadCount, [TimeSpan]::FromSeconds(1))
    if ($i -gt 1) { $paired.History[-1].Seconds / ($floor.EpochGflop / (($rateBefore + $rateAfter) / 2)) }
}

# The notebook's MLP with -Precision BFloat16 (mixed precision), where the CPU has bfloat16 hardware.
$bf16Epoch = $bf16Accuracy = $null
if ((Get-MnistEnvironment).Avx512Bf16) {
    $bf16 = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 1) -Epochs $Epochs -ThreadCount $ThreadCount -Precision BFloat16 -Quiet
    $bf16Epoch = Get-Median ($bf16.History | Select-Object -Skip 1 | ForEach-Object Seconds)
    $bf16Accuracy = ($bf16 | Test-MnistModel).Accuracy
}
$floatAccuracy = ($model | Test-MnistModel).Accuracy

# FastCnn with its own defaults on all 60,000 images for 2 epochs: training seconds (History) and test accuracy.
$fast = $data | Invoke-MnistTraining -Model (New-MnistModel -Architecture FastCnn -Seed 1) -Epochs 2 -ValidationSplit 0 -ThreadCount $ThreadCount -Quiet
$fastSeconds = ($fast.History.Seconds | Measure-Object -Sum).Sum
$fastAccuracy = ($fast | Test-MnistModel).Accuracy
# The Keras CNN: one epoch over the first $CnnTrainCount images, batch 128 as reference.py trains it (its default is 64).
$cnn = Import-MnistData -TrainCount $CnnTrainCount |
    Invoke-MnistTraining -Model (New-MnistModel -Architecture Cnn -Seed 1) -Epochs 1 -BatchSize 128 -Augment:$false -ValidationSplit 0 -ThreadCount $ThreadCount -Quiet
$cnnEpoch = $cnn.History[0].Seconds

$null = $data | Invoke-MnistTraining -Epochs 1 -ThreadCount $ThreadCount -Quiet   # warm-up: the allocators reach their working size
$rssBefore = Get-RssMegabytes
foreach ($i in 1..10) { $null = $data | Invoke-MnistTraining -Epochs 1 -ThreadCount $ThreadCount -Quiet }
$rssAfter = Get-RssMegabytes

$reference = $null
if (-not $SkipReference) {
    Install-Reference $python
    $json = & $python "$PSScriptRoot/reference.py" $cache $ThreadCount $Epochs $CnnTrainCount
    if ($LASTEXITCODE -ne 0) { throw 'The PyTorch reference failed.' }
    $reference = $json | Select-Object -Last 1 | ConvertFrom-Json
}

function Row($Measure, $Module, $Reference, $Unit, $Target) {
    [pscustomobject]@{
        Measure   = $Measure
        Mnist     = if ($null -ne $Module) { '{0:G4} {1}' -f $Module, $Unit } else { '' }
        PyTorch   = if ($null -ne $Reference) { '{0:G4} {1}' -f $Reference, $Unit } else { '' }
        Ratio     = if ($Module -and $Reference) { '{0:F2}x' -f ($Module / $Reference) } else { '' }
        Target    = $Target
    }
}

$imagesPerSecond = $trainImages / $epoch
$rows = @(
    Row 'load 70,000 images' (Get-Median $loadTimes) $reference.load 's' '<= 1.0x (numpy)'
    Row "epoch, batch 128, $ThreadCount threads" $epoch $reference.epoch 's' '<= 0.5x'
    Row 'training images per second' $imagesPerSecond ($reference ? $trainImages / $reference.epoch : $null) 'img/s' ''
    Row 'evaluate 10,000 test images' (Get-Median $evaluateTimes) $reference.evaluate 's' '<= 1.0x'
    Row 'predict one image, core' ($predictCore * 1000) ($reference ? $reference.predict_one * 1000 : $null) 'ms' '<= 1.0x'
    Row 'predict one image, Get-MnistPrediction' ($predictCmdlet * 1000) $null 'ms' ''
    Row 'Import-Module + first call' $importFirst $reference.import_first 's' '< 2 s'
    Row 'matmul fp32 on the layer shapes' $floor.GflopPerSecond $null 'GFLOP/s' ''
    Row 'matmul fp32, 1024x1024x1024 (for scale)' $floor.PeakGflopPerSecond $null 'GFLOP/s' ''
    Row 'FLOPs of one epoch' $floor.EpochGflop $null 'GFLOP' ''
    Row 'ideal epoch (FLOPs / measured rate)' $floor.IdealEpochSeconds $null 's' ''
    Row 'our epoch / ideal epoch' ($epoch / $floor.IdealEpochSeconds) $null 'x' '<= 2.5x'
    Row 'our epoch / ideal at the square-product rate' ($epoch / ($floor.EpochGflop / $floor.PeakGflopPerSecond)) $null 'x' '<= 1.7x'
    Row '  the same, each epoch next to its own rate' (Get-Median $pairedRatios) $null 'x' '<= 1.7x'
    Row "MLP test accuracy after $Epochs epochs" $floatAccuracy $reference.test_accuracy '' '>= 0.97'
    if ($bf16Epoch) {
        Row 'epoch, -Precision BFloat16' $bf16Epoch $reference.epoch_bf16 's' ''
        Row 'BFloat16 epoch / ideal at the square-product rate' ($bf16Epoch / ($floor.EpochGflop / $floor.PeakGflopPerSecond)) $null 'x' '<= 1.7x'
        Row "MLP test accuracy after $Epochs epochs, BFloat16" $bf16Accuracy $reference.test_accuracy '' 'as Float32'
    }
    Row 'FastCnn, 2 epochs on 60,000 images (train s)' $fastSeconds $reference.fast_cnn_seconds 's' '<= 0.6x'
    Row 'FastCnn, test accuracy after 2 epochs' $fastAccuracy $reference.fast_cnn_accuracy '' '>= 0.99'
    Row ("Keras CNN, epoch of {0:N0} images, batch 128" -f $CnnTrainCount) $cnnEpoch $reference.cnn_epoch 's' '<= 0.8x'
    Row 'RSS growth over 10 one-epoch trainings' ($rssAfter - $rssBefore) $null 'MB' '< 50 MB'
)
$rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host ("Machine load (1, 5, 15 min) at the start: {0}; at the end: {1}" -f $loadAtStart, (Get-Content /proc/loadavg))
Write-Host ('Accuracy after {0} epochs: module {1:F4} (test), PyTorch {2} (test)' -f $Epochs, $evaluation.Accuracy, ($reference ? ('{0:F4}' -f $reference.test_accuracy) : 'n/a'))
if ($reference) { Write-Host ("PyTorch {0}; its epochs: {1}" -f $reference.torch, (($reference.epochs | ForEach-Object { '{0:F2}' -f $_ }) -join ', ')) }
Write-Host ("Epochs against the square-product rate measured next to each: {0}" -f (($pairedRatios | ForEach-Object { '{0:F2}x' -f $_ }) -join ', '))
Write-Host ("Mnist epochs: {0}" -f (($model.History.Seconds | ForEach-Object { '{0:F2}' -f $_ }) -join ', '))
