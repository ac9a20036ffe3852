<#
.SYNOPSIS
    Trains the CNN (New-MnistModel -Architecture Cnn) on full MNIST at its own defaults and prints its test accuracy
    and seconds per epoch, for one or several seeds; with -OneEpoch, issue 25's comparison of FastCnn's one epoch
    (and the notebook's MLP) with PyTorch's same recipe, in one run.
.DESCRIPTION
    By default exactly the recipe a user gets: New-MnistModel -Architecture Cnn -Seed S, Invoke-MnistTraining
    -Epochs 3 with the default 10% validation split. Give -LearningRate, -Schedule, -BatchSize or -Betas to try
    another recipe; -Augment:$false trains without the augmentation the CNN has by default.

    -OneEpoch runs, alternating with the PyTorch reference (bench/reference.py, Debian's python3-torch) so both see
    the machine's load of the moment: PyTorch's FastCnn recipe for the first of -ReferenceSeed; then, in a fresh
    pwsh, FastCnn at its defaults with -Epochs 1 -ValidationSplit 0 for each of -Seed (1-5 unless given), reading
    each epoch's seconds (History) and test accuracy, the warm-up's seconds, and the first epoch of the process
    against the later ones; PyTorch again for the other reference seeds; then the notebook's MLP (5 epochs at its
    defaults, in a fresh pwsh) and PyTorch's (2 epochs, the second timed); then, twice in fresh processes (with and
    without the warm-up), FastCnn's first and later one-epoch trainings on 12,800 images on one thread, in process CPU
    seconds. Ratios are of medians within this run. The load average is printed at each step. -NoWarmUp measures
    the module's trainings without their once-per-process warm-up.
.EXAMPLE
    dotnet pwsh ./bench/cnn.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1 -Seed 1, 2, 3
.EXAMPLE
    dotnet pwsh ./bench/cnn.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1 -Seed 1 -Epochs 6 -Augment
.EXAMPLE
    dotnet pwsh ./bench/cnn.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1 -OneEpoch
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [int] $Epochs = 3,
    [long[]] $Seed = @(1),
    [Nullable[int]] $BatchSize,
    [Nullable[double]] $LearningRate,
    [ValidateSet('Constant', 'Step', 'Cosine', 'OneCycle')]
    [string] $Schedule,
    [double[]] $Betas,
    [double] $ValidationSplit = 0.1,
    [switch] $Augment,
    [int] $ThreadCount = [Environment]::ProcessorCount,
    [switch] $OneEpoch,
    [long[]] $ReferenceSeed = @(1, 2),
    [int] $MlpEpochs = 5,
    [switch] $NoWarmUp,
    # Internal: the fresh-process side of -OneEpoch ('FastCnn' or 'Mlp'); prints one JSON object.
    [ValidateSet('', 'FastCnn', 'Mlp', 'FirstEpochCpu')] [string] $Worker = '',
    [string] $WorkerSeeds = ''
)

$ErrorActionPreference = 'Stop'
if ($OneEpoch -or $Worker) {
    . "$PSScriptRoot/one-epoch.ps1"
    if ($Worker) { Invoke-OneEpochWorker -Kind $Worker -ModuleManifest $ModuleManifest -Seed ($WorkerSeeds -split ' ' | ForEach-Object { [long]$_ }) -ThreadCount $ThreadCount -MlpEpochs $MlpEpochs -NoWarmUp:$NoWarmUp }
    else {
        $seeds = if ($PSBoundParameters.ContainsKey('Seed')) { $Seed } else { 1..5 }
        $null = Invoke-OneEpochComparison -ModuleManifest $ModuleManifest -Seed $seeds -ReferenceSeed $ReferenceSeed -ThreadCount $ThreadCount -MlpEpochs $MlpEpochs -NoWarmUp:$NoWarmUp
    }
    return
}
Import-Module $ModuleManifest

$data = Import-MnistData
foreach ($s in $Seed) {
    $recipe = @{ Architecture = 'Cnn'; Seed = $s }
    foreach ($name in 'LearningRate', 'Schedule', 'BatchSize', 'Betas') {
        if ($PSBoundParameters.ContainsKey($name)) { $recipe[$name] = $PSBoundParameters[$name] }
    }
    $model = New-MnistModel @recipe
    $clock = [Diagnostics.Stopwatch]::StartNew()
    # -Augment given (either way) decides; otherwise the model's own default does (the CNN augments).
    $training = @{}
    if ($PSBoundParameters.ContainsKey('Augment')) { $training.Augment = $Augment }
    $trained = $data | Invoke-MnistTraining -Model $model -Epochs $Epochs -ValidationSplit $ValidationSplit @training -ThreadCount $ThreadCount -Quiet
    $clock.Stop()
    $accuracy = ($trained | Test-MnistModel).Accuracy
    $perEpoch = ($trained.History | Measure-Object Seconds -Average).Average
    Write-Host ("CNN seed {0}: test accuracy {1:F4} after {2} epochs{3}; {4:F0} s in all, {5:F1} s per epoch (Adam {6} betas {7}, {8}, batch {9}, {10} threads)" -f `
        $s, $accuracy, $Epochs, $(if ($trained.History[0].Augmented) { ' with augmentation' } else { '' }), $clock.Elapsed.TotalSeconds, $perEpoch,
        $model.LearningRate, ($model.Betas -join '/'), $model.Schedule, $model.BatchSize, $ThreadCount)
    [pscustomobject]@{ Seed = $s; Accuracy = $accuracy; Epochs = $Epochs; Augment = [bool]$Augment; Seconds = $clock.Elapsed.TotalSeconds; SecondsPerEpoch = $perEpoch }
}
