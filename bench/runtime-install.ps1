<#
.SYNOPSIS
    Times Install-MnistRuntime from a local feed (the NuGet cache) for each platform into a temporary runtime home,
    and prints each runtime's size and the module package's size.
.EXAMPLE
    dotnet pwsh ./build.ps1 Package; dotnet pwsh -NoProfile -File bench/runtime-install.ps1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = "$PSScriptRoot/../out/Mnist/Mnist.psd1",
    [string[]] $Platform = @('linux-x64', 'win-x64', 'osx-arm64')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$feed = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
$runtimeHome = Join-Path ([IO.Path]::GetTempPath()) ('mnist-bench-runtime-' + [guid]::NewGuid().ToString('N'))
$saved = $env:MNIST_RUNTIME_HOME
$env:MNIST_RUNTIME_HOME = $runtimeHome
try {
    foreach ($rid in $Platform) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $runtime = Install-MnistRuntime -Source $feed -Platform $rid -Confirm:$false
        [pscustomobject]@{ Platform = $rid; Seconds = [math]::Round($clock.Elapsed.TotalSeconds, 1); Files = $runtime.FileCount; SizeMB = $runtime.SizeMB }
    }
} finally {
    $env:MNIST_RUNTIME_HOME = $saved
    Remove-Item $runtimeHome -Recurse -Force -ErrorAction Ignore
}
$package = Get-ChildItem "$PSScriptRoot/../out/packages" -Filter 'Mnist.*.nupkg' -ErrorAction Ignore | Select-Object -First 1
if ($package) { 'Package {0}: {1:N1} MB' -f $package.Name, ($package.Length / 1MB) }
