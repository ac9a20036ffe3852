<#
.SYNOPSIS
    Runs every Pester test against the built module and writes the pass/fail counts to a JSON file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Only these test files (all of tests/pester by default), for a quick run while working on one behaviour.
    [string[]] $Path
)

$ErrorActionPreference = 'Stop'
$root = Resolve-Path "$PSScriptRoot/../.."
& dotnet restore (Join-Path $root 'tools/pester/Pester.Tools.csproj') --nologo -v quiet | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Could not restore the Pester package.' }
$packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
Import-Module (Join-Path $packages.Trim() 'pester/6.2.0/tools/Pester.psd1') -Force

$env:MNIST_TEST_MODULE = (Resolve-Path $ModuleManifest).Path
$configuration = New-PesterConfiguration
$configuration.Run.Path = if ($Path) { $Path } else { $PSScriptRoot }
$configuration.Run.PassThru = $true
$configuration.Output.RenderMode = 'Plaintext'
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
    ConvertTo-Json | Set-Content $ResultPath
