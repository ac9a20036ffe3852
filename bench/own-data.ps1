<#
.SYNOPSIS
    Measures importing your own pictures against Python in the same run: 70,000 28x28 PNG files in class folders
    (Import-MnistData -Path against a Python loop that decodes the same files with Pillow into one NumPy array), and
    10,000 200x200 photos that need the digit preparation, imported first with an empty prepared-image cache and then
    again in a new process from the cache. Also the peak memory of the 70,000-picture import above the dataset.
.DESCRIPTION
    The picture folders are written once with Pillow from the MNIST cache (bench/own_data.py) into -WorkFolder, outside
    the repository. Every import runs in a fresh pwsh (bench/own-data-import.ps1); the module and Python alternate,
    -Rounds times, and each pair gives one ratio (this machine's speed moves within minutes: compare within a pair).
    Needs Debian's python3-pil and python3-numpy (/usr/bin/python3).
.EXAMPLE
    dotnet pwsh ./bench/own-data.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/Mnist/Mnist.psd1'),
    [string] $WorkFolder = (Join-Path ([System.IO.Path]::GetTempPath()) 'mnist-own-data-bench'),
    [ValidateRange(1, 10)] [int] $Rounds = 2,
    [ValidateRange(100, 10000)] [int] $PhotoCount = 10000,
    [string] $Python = '/usr/bin/python3'
)

$ErrorActionPreference = 'Stop'
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
& $Python -c 'import PIL, numpy' 2>$null
if ($LASTEXITCODE -ne 0) { throw "$Python lacks Pillow or NumPy: install Debian's python3-pil and python3-numpy." }
$script = Join-Path $PSScriptRoot 'own_data.py'
$mnist = if ($env:MNIST_DATA_DIR) { $env:MNIST_DATA_DIR } else { Join-Path $HOME '.cache/mnist' }
$digits = Join-Path $WorkFolder 'digits'
$photos = Join-Path $WorkFolder "photos-$PhotoCount"
if (-not (Test-Path $digits)) { & $Python $script write-digits $mnist $digits; if ($LASTEXITCODE) { throw 'Writing the digit pictures failed.' } }
if (-not (Test-Path $photos)) { & $Python $script write-photos $mnist $photos $PhotoCount; if ($LASTEXITCODE) { throw 'Writing the photos failed.' } }

function Invoke-Import([string] $Path, [string] $Cache) {
    $env:MNIST_DATA_DIR = $Cache
    try {
        $json = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'own-data-import.ps1') -ModuleManifest $ModuleManifest -Path $Path
        if ($LASTEXITCODE) { throw "The import of $Path failed." }
        $json | ConvertFrom-Json
    } finally { Remove-Item Env:MNIST_DATA_DIR }
}

function Get-Load { ((Get-Content /proc/loadavg) -split ' ')[0] }

$rows = foreach ($round in 1..$Rounds) {
    $load = Get-Load
    $pillow = [double]((& $Python $script read $digits) -split ' ')[0]
    $module = Invoke-Import $digits (Join-Path $WorkFolder 'cache-unused')
    $cache = Join-Path $WorkFolder "cache-$round"
    Remove-Item $cache -Recurse -Force -ErrorAction Ignore
    $first = Invoke-Import $photos $cache
    $second = Invoke-Import $photos $cache
    [pscustomobject]@{
        Round = $round; Load = $load
        Pillow = $pillow; Module = $module.Seconds; ImportRatio = $module.Seconds / $pillow
        PeakAboveDataMB = $module.PeakAboveData / 1MB
        PhotosFirst = $first.Seconds; PhotosCached = $second.Seconds; CacheRatio = $second.Seconds / $first.Seconds
        FromCache = $second.FromCache
    }
}

''
'| round | load (1 min) | 70,000 PNG: Pillow loop s | Import-MnistData s | ratio (<= 1.0) | peak above dataset MB (< 512) | {0:N0} photos: first import s | from cache, new process s | ratio (<= 0.2) |' -f $PhotoCount
'| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
foreach ($r in $rows) {
    '| {0} | {1} | {2:N2} | {3:N2} | {4:N2} | {5:N0} | {6:N1} | {7:N2} | {8:N3} |' -f $r.Round, $r.Load, $r.Pillow, $r.Module, $r.ImportRatio,
        $r.PeakAboveDataMB, $r.PhotosFirst, $r.PhotosCached, $r.CacheRatio
}
