<#
.SYNOPSIS
    Where a picture's preparation goes, stage by stage, on one thread: read, decode (chunks, inflate, unfilter), paper
    surface, ink map, noise, thresholds, components, growth, stroke level, stretch, crop, stroke width, scale, centre of
    mass, each in milliseconds per picture (the best of -Passes passes over the files), with the public entry points
    timed alone beside them.
.DESCRIPTION
    PicturePreparationProfile (out/tools/Mnist.Tools.dll) runs the chain of DigitImageFile.Prepare step by step, the
    same internal calls in the same order, and checks that the steps prepare every file as DigitImageFile.Prepare
    does. The files must be plain 8-bit gray PNGs (the decode timed is that one): by default the photos
    bench/picture-prep.ps1 writes. On a shared machine the stages' shares hold better than their absolute times;
    compare builds in alternating runs.
.EXAMPLE
    dotnet pwsh ./bench/picture-stages.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1 -Count 1000
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/Mnist/Mnist.psd1'),
    [string] $FileList = (Join-Path ([System.IO.Path]::GetTempPath()) 'mnist-picture-prep-bench/photos-2000.txt'),
    [ValidateRange(10, 100000)] [int] $Count = 2000,
    [ValidateRange(1, 20)] [int] $Passes = 3
)

$ErrorActionPreference = 'Stop'
if (-not (Test-Path -LiteralPath $FileList)) { throw "No file list at '$FileList': run bench/picture-prep.ps1 once to write the photos and their list." }
Import-Module (Resolve-Path $ModuleManifest).Path
. "$PSScriptRoot/../tools/Import-MnistTools.ps1"
$files = [string[]]@(Get-Content -LiteralPath $FileList | Where-Object { $_ } | Select-Object -First $Count)
$load = (Get-Content /proc/loadavg -Raw -ErrorAction Ignore)
$stages = [Mnist.Core.Diagnostics.PicturePreparationProfile]::Measure($files, $Passes)
Write-Host ("{0:N0} pictures, best of {1} passes, one thread; load at the start: {2}" -f $files.Count, $Passes, $load)
$stages | Format-Table Stage, @{ Name = 'ms per picture'; Expression = { '{0:F3}' -f $_.MillisecondsPerPicture }; Align = 'Right' } -AutoSize | Out-Host
