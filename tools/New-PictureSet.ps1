<#
.SYNOPSIS
    Writes a test set of picture files made from MNIST test digits the way people photograph or scan them.
.DESCRIPTION
    Test digit i becomes picture i, drawn on paper-like backgrounds with one strong distortion each, in turn: Clean,
    Noise (sensor noise, dust, a hair), UnevenLight (gradient and vignetting), Jpeg (quality 8-25), LowContrast,
    ColouredInk, ThickStrokes, ThinStrokes, OffCentre, SmallInCanvas, TouchingBorder, Rotated (8-15 degrees) and
    Photo (all of them, moderately). Pictures are 64-400 pixels a side, PNG or JPEG, named
    <index>-<kind>-<label>.<png|jpg>; labels.csv lists File, Label, Index, Kind, Width and Height. The same -Seed and
    -Count give byte-identical files (src/Mnist.Core/Imaging/Pictures). The set is written outside the repository
    and never committed. Emits one object per picture: FullName, Label, Index, Kind, Width, Height.
.PARAMETER OutputPath
    The folder to write (made if missing). Default: mnist-pictures-seed<Seed> in the temporary folder.
.PARAMETER Count
    How many pictures (1-10,000), from the first test digits on. Default 1,300: 100 of each kind.
.PARAMETER Seed
    The seed of every random choice. Default 1.
.PARAMETER ModuleManifest
    The Mnist module to use. Default: the repository's build (out/Mnist/Mnist.psd1), else the installed module.
.PARAMETER Force
    Replaces a set already in -OutputPath (its labels.csv and pictures of the same names).
.EXAMPLE
    dotnet pwsh ./tools/New-PictureSet.ps1 -OutputPath /tmp/pictures -Count 1300 -Seed 1
.EXAMPLE
    ./tools/New-PictureSet.ps1 -OutputPath /tmp/pictures -Force | Get-MnistPrediction -Model $model   # FullName binds
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [ValidateNotNullOrEmpty()]
    [string] $OutputPath,
    [ValidateRange(1, 10000)]
    [int] $Count = 1300,
    [long] $Seed = 1,
    [ValidateNotNullOrEmpty()]
    [string] $ModuleManifest,
    [switch] $Force
)

$ErrorActionPreference = 'Stop'
if (-not $ModuleManifest) {
    $built = Join-Path $PSScriptRoot '../out/Mnist/Mnist.psd1'
    $ModuleManifest = if (Test-Path $built) { (Resolve-Path $built).Path } else { 'Mnist' }
}
if (-not (Get-Module Mnist)) { Import-Module $ModuleManifest }
. "$PSScriptRoot/Import-MnistTools.ps1"
if (-not $OutputPath) { $OutputPath = Join-Path ([System.IO.Path]::GetTempPath()) "mnist-pictures-seed$Seed" }
$folder = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)

if (-not $PSCmdlet.ShouldProcess($folder, "Write $Count MNIST test pictures (seed $Seed)")) { return }
$test = (Import-MnistData -TestCount $Count).Test
try {
    $entries = [Mnist.Core.Imaging.Pictures.PictureSet]::Write($test, $folder, $Count, $Seed, $Force.IsPresent, $null, [Threading.CancellationToken]::None)
} catch {
    # The core's errors keep their id (FileExists, PictureCountOutOfRange, ...) as the module's cmdlets do.
    $problem = $_.Exception.InnerException
    if ($problem -isnot [Mnist.Core.MnistException]) { throw }
    $category = switch ($problem.Kind) {
        'AlreadyExists' { 'ResourceExists' } 'NotFound' { 'ObjectNotFound' } 'PermissionDenied' { 'PermissionDenied' } default { 'InvalidArgument' }
    }
    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($problem, $problem.ErrorId, $category, $problem.Target))
}
foreach ($entry in $entries) {
    [pscustomobject]@{
        FullName = Join-Path $folder $entry.File
        Label    = $entry.Label
        Index    = $entry.Index
        Kind     = $entry.Kind.ToString()
        Width    = $entry.Width
        Height   = $entry.Height
    }
}
