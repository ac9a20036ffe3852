<#
.SYNOPSIS
    One import of a picture folder in this process, for bench/own-data.ps1: prints seconds, images, pictures taken
    from the prepared-image cache, and the peak memory above the process before the import and above the dataset.
#>
param([Parameter(Mandatory)] [string] $ModuleManifest, [Parameter(Mandatory)] [string] $Path)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
function Get-ProcessMemory([string] $Field) {
    $line = Get-Content /proc/self/status | Where-Object { $_ -like "${Field}:*" } | Select-Object -First 1
    [long]($line -replace '\D', '') * 1KB
}
[GC]::Collect()
$before = Get-ProcessMemory VmRSS
$clock = [Diagnostics.Stopwatch]::StartNew()
$data = Import-MnistData -Path $Path
$seconds = $clock.Elapsed.TotalSeconds
$peak = Get-ProcessMemory VmHWM
$datasetBytes = $data.Train.Pixels.Length + $data.Test.Pixels.Length + $data.Train.Count + $data.Test.Count
[pscustomobject]@{
    Seconds        = $seconds
    Images         = $data.Train.Count + $data.Test.Count
    FromCache      = $data.Import.PreparedFromCache
    PeakAboveStart = $peak - $before
    PeakAboveData  = $peak - $before - $datasetBytes
} | ConvertTo-Json -Compress
