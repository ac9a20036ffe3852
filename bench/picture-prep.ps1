<#
.SYNOPSIS
    Measures picture preparation: Get-MnistPrediction on 200x200 PNG photos of digits, in one call (-LiteralPath with
    every file) and through the pipeline from Get-ChildItem, against the classic OpenCV digit preparation in Python on
    the same files in the same run.
.DESCRIPTION
    The photos (dark ink on light, uneven, noisy paper; 8-bit grayscale PNG, 200x200) are written once by
    bench/own_data.py from the MNIST cache into -WorkFolder, outside the repository. Each round runs, one after the
    other: OpenCV (bench/picture_prep.py: grayscale read, Otsu threshold, the largest contour's box, resize into 20x20,
    pad to 28x28, shift by the centre of mass; one Python process, a plain loop), then the module in one call, then
    the module through the pipeline. The module's side is the whole Get-MnistPrediction: decode, the fuller preparation
    (paper estimate, ink map, noise levels, components, stroke width, scale, centre of mass) and a prediction by the
    notebook's MLP (untrained: its forward pass costs the same) for every file, on every core. Both sides report wall
    time and the CPU time of their process per picture (the module's in one call and through the pipeline). The machine's load is printed with each round: on a shared
    machine compare the ratios of one round.
    Needs Debian's python3-opencv, python3-pil and python3-numpy (/usr/bin/python3).
.EXAMPLE
    dotnet pwsh ./bench/picture-prep.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1 -Rounds 3
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/Mnist/Mnist.psd1'),
    [string] $WorkFolder = (Join-Path ([System.IO.Path]::GetTempPath()) 'mnist-picture-prep-bench'),
    [ValidateRange(100, 10000)] [int] $Count = 2000,
    [ValidateRange(1, 10)] [int] $Rounds = 2,
    [string] $Python = '/usr/bin/python3'
)

$ErrorActionPreference = 'Stop'
& $Python -c 'import cv2, PIL, numpy' 2>$null
if ($LASTEXITCODE -ne 0) { throw "$Python lacks OpenCV, Pillow or NumPy: install Debian's python3-opencv, python3-pil and python3-numpy." }
Import-Module (Resolve-Path $ModuleManifest).Path

$mnist = if ($env:MNIST_DATA_DIR) { $env:MNIST_DATA_DIR } else { Join-Path $HOME '.cache/mnist' }
$photos = Join-Path $WorkFolder "photos-$Count"
if (-not (Test-Path $photos)) {
    & $Python (Join-Path $PSScriptRoot 'own_data.py') write-photos $mnist $photos $Count
    if ($LASTEXITCODE) { throw 'Writing the photos failed.' }
}
$files = @((Get-ChildItem $photos -Recurse -File -Filter *.png | Sort-Object FullName).FullName)
$list = Join-Path $WorkFolder "photos-$Count.txt"
Set-Content -LiteralPath $list -Value $files

$model = New-MnistModel -Architecture Mlp -Seed 1
$null = Get-MnistPrediction -Model $model -LiteralPath $files[0..99]   # loads and compiles everything once
$process = [System.Diagnostics.Process]::GetCurrentProcess()

function Measure-Module([scriptblock] $Work) {
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $predictions = @(& $Work)
    $seconds = $clock.Elapsed.TotalSeconds
    $process.Refresh()
    if ($predictions.Count -ne $files.Count) { throw "Predicted $($predictions.Count) of $($files.Count) pictures." }
    [pscustomobject]@{ Seconds = $seconds; CpuMs = ($process.TotalProcessorTime - $cpu).TotalMilliseconds / $files.Count }
}

$rows = foreach ($round in 1..$Rounds) {
    $load = (Get-Content /proc/loadavg -Raw).Trim()
    $opencv = & $Python (Join-Path $PSScriptRoot 'picture_prep.py') $list | ConvertFrom-Json
    if ($LASTEXITCODE) { throw 'The OpenCV preparation failed.' }
    $oneCall = Measure-Module { Get-MnistPrediction -Model $model -LiteralPath $files }
    $piped = Measure-Module { Get-ChildItem $photos -Recurse -File -Filter *.png | Get-MnistPrediction -Model $model }
    $cvMs = 1000 * $opencv.seconds / $files.Count
    [pscustomobject]@{
        Round             = $round
        'Load (1/5/15)'   = ($load -split ' ')[0..2] -join ' '
        'One call /s'     = [math]::Round($files.Count / $oneCall.Seconds)
        'Pipeline /s'     = [math]::Round($files.Count / $piped.Seconds)
        'OpenCV /s'       = [math]::Round($files.Count / $opencv.seconds)
        'One call ms'     = [math]::Round(1000 * $oneCall.Seconds / $files.Count, 3)
        'Pipeline ms'     = [math]::Round(1000 * $piped.Seconds / $files.Count, 3)
        'OpenCV ms'       = [math]::Round($cvMs, 3)
        'Ratio one call'  = [math]::Round(1000 * $oneCall.Seconds / $files.Count / $cvMs, 2)
        'Ratio pipeline'  = [math]::Round(1000 * $piped.Seconds / $files.Count / $cvMs, 2)
        'CPU ms (module)' = [math]::Round($oneCall.CpuMs, 3)
        'CPU ms (pipeline)' = [math]::Round($piped.CpuMs, 3)
        'CPU ms (OpenCV)' = [math]::Round($opencv.cpu_ms_per_picture, 3)
    }
}

Write-Host ("{0:N0} pictures of 200x200 (8-bit grayscale PNG) in {1}; {2} cores; module {3}" -f $files.Count, $photos, [Environment]::ProcessorCount, $ModuleManifest)
$rows | Format-Table -AutoSize | Out-String -Width 220 | Write-Host
Write-Host 'Targets: >= 1,000 pictures/s in one call and through the pipeline; time per picture <= 1.5x OpenCV''s.'
$rows
