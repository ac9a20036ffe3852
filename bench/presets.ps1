<#
.SYNOPSIS
    One seeded training epoch of a preset, for A/B runs of two builds (farm-bench --vs): prints the epoch's seconds.
.EXAMPLE
    farm-bench -n 5 --timeout 600 -- dotnet pwsh -NoProfile -File bench/presets.ps1 -Preset FastCnn `
        --vs "dotnet pwsh -NoProfile -File bench/presets.ps1 -Preset FastCnn -ModuleManifest /tmp/base/out/Mnist/Mnist.psd1"
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = "$PSScriptRoot/../out/Mnist/Mnist.psd1",
    [ValidateSet('Mlp', 'Cnn', 'FastCnn')] [string] $Preset = 'Mlp',
    # Training images of the epoch (the Keras CNN is slow: a slice of it says as much).
    [ValidateRange(1000, 60000)] [int] $TrainCount = 60000,
    [ValidateRange(1, 64)] [int] $ThreadCount = 2,
    # Epochs timed in this process, each of a fresh model of the same seed: the fastest is the least disturbed.
    [ValidateRange(1, 20)] [int] $Repeat = 1,
    [string] $LogPath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$data = Import-MnistData -TrainCount $TrainCount -TestCount 1000
$seconds = foreach ($i in 1..$Repeat) {
    $model = New-MnistModel -Architecture $Preset -Seed 1
    $trained = $data | Invoke-MnistTraining -Model $model -Epochs 1 -ValidationSplit 0 -ThreadCount $ThreadCount -Quiet
    $trained.History[0].Seconds
}
$sorted = @($seconds | Sort-Object)
$line = '{0} {1} images: epoch min {2:N3} s, median {3:N3} s of {4}; loss {5:N6}' -f $Preset, $TrainCount, $sorted[0],
    $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)], $sorted.Count, $trained.History[0].Loss
if ($LogPath) { Add-Content $LogPath $line }
$line
