<#
.SYNOPSIS
    Where a training step's time goes, layer by layer: the forward and backward milliseconds of every layer of each
    architecture at its default batch size, measured in place (LayerProfiler: identity autograd nodes between the
    layers note when the gradient reaches them; no optimizer step; the models are left as they were).
.EXAMPLE
    dotnet pwsh ./bench/layers.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [ValidateSet('Mlp', 'FastCnn', 'Cnn')] [string[]] $Architecture = @('Mlp', 'FastCnn', 'Cnn'),
    [int] $Batches = 40,
    [int] $ThreadCount = 2
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
. "$PSScriptRoot/../tools/Import-MnistTools.ps1"
$data = Import-MnistData
foreach ($name in $Architecture) {
    $model = New-MnistModel -Architecture $name -Seed 1
    $timings = [Mnist.Core.Diagnostics.LayerProfiler]::Measure($model, $data.Train, $model.BatchSize, $Batches, 5, $ThreadCount)
    $forward = ($timings | Measure-Object ForwardMilliseconds -Sum).Sum
    $backward = ($timings | Measure-Object BackwardMilliseconds -Sum).Sum
    Write-Host ("{0}, batch {1}, {2} threads: forward {3:F1} ms + backward {4:F1} ms per batch (no optimizer step)" -f
        $name, $model.BatchSize, $ThreadCount, $forward, $backward)
    $timings | Format-Table Layer, Module,
        @{ Name = 'Forward ms'; Expression = { '{0:F2}' -f $_.ForwardMilliseconds }; Align = 'Right' },
        @{ Name = 'Backward ms'; Expression = { '{0:F2}' -f $_.BackwardMilliseconds }; Align = 'Right' } -AutoSize | Out-Host
}
