<#
.SYNOPSIS
    Lays out the module folder from a portable `dotnet publish`: the cmdlet assembly at the top, everything it uses in
    deps/ (loaded in the module's own load context), and only the natives for linux-x64, win-x64 and osx-arm64.
.DESCRIPTION
    TorchSharp's natives and libtorch are not part of the module: Install-MnistRuntime puts them in a per-user
    runtime folder. deps/cpu is a file on purpose: TorchSharp's last-resort fallback copies ~0.5 GB of natives into
    a cpu/ folder beside TorchSharp.dll; with a file in its place that fallback fails at once instead.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PublishFolder,
    [Parameter(Mandatory)] [string] $ModuleFolder
)

$ErrorActionPreference = 'Stop'
$platforms = 'linux-x64', 'win-x64', 'osx-arm64', 'osx'
$runtimeNatives = '^(lib)?(LibTorchSharp|torch|torch_cpu|c10)\.'

Remove-Item $ModuleFolder -Recurse -Force -ErrorAction Ignore
$deps = Join-Path $ModuleFolder 'deps'
New-Item -ItemType Directory $deps -Force | Out-Null

foreach ($file in Get-ChildItem $PublishFolder -File) {
    if ($file.Extension -eq '.json') { continue }   # deps.json/runtimeconfig: PowerShell ignores them
    $destination = if ($file.BaseName -in 'MnistCmdlets', 'MnistLoader') { $ModuleFolder } else { $deps }
    Copy-Item $file.FullName $destination
}

foreach ($platform in $platforms) {
    $natives = Join-Path $PublishFolder "runtimes/$platform/native"
    if (-not (Test-Path $natives)) { continue }
    $target = Join-Path $deps "runtimes/$platform/native"
    New-Item -ItemType Directory $target -Force | Out-Null
    Get-ChildItem $natives -File | Where-Object Name -NotMatch $runtimeNatives | Copy-Item -Destination $target
    if (-not (Get-ChildItem $target)) { Remove-Item (Split-Path $target) -Recurse }
}

Set-Content (Join-Path $deps 'cpu') 'A file, not a folder, so that TorchSharp never copies libtorch here (see tools/Build-ModuleLayout.ps1).'
