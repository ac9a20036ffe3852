<#
.SYNOPSIS
    Measures Export-MnistData on the whole of MNIST (70,000 images) in every format, and one npz read back.
.DESCRIPTION
    Writes into a temporary folder outside the repository, prints a Markdown table (format, seconds, files, MB) and
    removes what it wrote. The machine's load average is printed with it: on a shared machine the PNG figure is
    dominated by creating 70,000 files and moves with the load.
.EXAMPLE
    dotnet pwsh ./bench/export.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param([string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/Mnist/Mnist.psd1'))

Import-Module $ModuleManifest
$data = Import-MnistData
$root = Join-Path ([System.IO.Path]::GetTempPath()) ('mnist-export-bench-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $root | Out-Null
try {
    if (Test-Path /proc/loadavg) { "load average: $((Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ') on $([Environment]::ProcessorCount) processors" }
    '| format | seconds | files | MB |'
    '| --- | ---: | ---: | ---: |'
    foreach ($case in @(
            @{ Format = 'Idx'; Target = 'idx' }, @{ Format = 'Idx'; Target = 'idx-gz'; Compress = $true },
            @{ Format = 'Npz'; Target = 'mnist.npz' }, @{ Format = 'Csv'; Target = 'csv' }, @{ Format = 'Png'; Target = 'png' })) {
        $target = Join-Path $root $case.Target
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $result = $data | Export-MnistData $target -Format $case.Format -Compress:([bool]$case.Compress)
        $seconds = $clock.Elapsed.TotalSeconds
        $bytes = (Get-ChildItem $target -Recurse -File -ErrorAction Ignore | Measure-Object Length -Sum).Sum
        if (-not $bytes) { $bytes = (Get-Item $target).Length }
        '| {0}{1} | {2:N2} | {3:N0} | {4:N1} |' -f $case.Format, $(if ($case.Compress) { ' -Compress' }), $seconds, $result.Files, ($bytes / 1MB)
    }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $back = Import-MnistData -Path (Join-Path $root 'mnist.npz')
    $same = [System.Linq.Enumerable]::SequenceEqual([byte[]]$back.Train.Pixels, [byte[]]$data.Train.Pixels)
    'npz read back in {0:N2} s, pixels identical: {1}' -f $clock.Elapsed.TotalSeconds, $same
} finally {
    Remove-Item $root -Recurse -Force -ErrorAction Ignore
}
