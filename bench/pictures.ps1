<#
.SYNOPSIS
    Measures how well the notebook MLP, the CNN and the CNN trained with -Augment read MNIST test digits as pictures
    people really feed: scanned and photographed, noisy, unevenly lit, JPEG, thick or thin, off centre, turned.
.DESCRIPTION
    Writes the picture set with tools/New-PictureSet.ps1 (outside the repository), trains each model at its defaults
    (or imports it from -ModelFolder when a file of its name is there, and saves it there after training), predicts
    every picture through Get-MnistPrediction -LiteralPath and prints two Markdown tables: per model (epochs, test
    accuracy, picture-set accuracy, training seconds) and per distortion kind. Models are built with nothing but
    -Architecture and -Seed, so a change of an architecture's default recipe shows here.
.EXAMPLE
    dotnet pwsh ./bench/pictures.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
.EXAMPLE
    dotnet pwsh ./bench/pictures.ps1 -ModelFolder /tmp/picture-models -ThreadCount 1   # trains once, then reuses
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest,
    [string] $PicturePath = (Join-Path ([System.IO.Path]::GetTempPath()) 'mnist-pictures-bench'),
    [ValidateRange(13, 10000)]
    [int] $Count = 1300,
    [long] $Seed = 1,
    [string] $ModelFolder,
    [ValidateRange(1, 1024)]
    [int] $ThreadCount = [Environment]::ProcessorCount,
    [int] $MlpEpochs = 5,
    [int] $CnnEpochs = 3,
    [int] $AugmentEpochs = 3,
    # Predicts the set already in -PicturePath (its labels.csv) instead of writing it anew: to compare module builds.
    [switch] $ExistingSet,
    # Which of the three models to measure.
    [ValidateSet('mlp', 'cnn', 'cnn-augment')]
    [string[]] $Model = @('mlp', 'cnn', 'cnn-augment')
)

$ErrorActionPreference = 'Stop'
if (-not $ModuleManifest) { $ModuleManifest = (Resolve-Path "$PSScriptRoot/../out/Mnist/Mnist.psd1").Path }
Import-Module $ModuleManifest

$clock = [Diagnostics.Stopwatch]::StartNew()
$pictures = if ($ExistingSet) {
    Import-Csv (Join-Path $PicturePath 'labels.csv') | ForEach-Object {
        [pscustomobject]@{ FullName = Join-Path $PicturePath $_.File; Label = [int]$_.Label; Index = [int]$_.Index; Kind = $_.Kind }
    }
} else {
    & "$PSScriptRoot/../tools/New-PictureSet.ps1" -OutputPath $PicturePath -Count $Count -Seed $Seed -Force
}
Write-Host ('{0:N0} pictures in {1} ({2:F1} s)' -f $pictures.Count, $PicturePath, $clock.Elapsed.TotalSeconds)

$models = @(
    [pscustomobject]@{ Name = 'mlp'; Title = 'notebook MLP'; Architecture = 'Mlp'; Epochs = $MlpEpochs; Augment = $false }
    [pscustomobject]@{ Name = 'cnn'; Title = 'CNN -Augment:$false'; Architecture = 'Cnn'; Epochs = $CnnEpochs; Augment = $false }
    [pscustomobject]@{ Name = 'cnn-augment'; Title = 'CNN (augmented: its default)'; Architecture = 'Cnn'; Epochs = $AugmentEpochs; Augment = $true }
) | Where-Object Name -In $Model

$data = $null
$results = foreach ($spec in $models) {
    $file = if ($ModelFolder) { Join-Path $ModelFolder "$($spec.Name).model" }
    if ($file -and (Test-Path -LiteralPath $file)) {
        $trained = Import-MnistModel -LiteralPath $file
        Write-Host "$($spec.Title): imported $file"
    } else {
        if (-not $data) { $data = Import-MnistData }
        $trained = $data | Invoke-MnistTraining -Model (New-MnistModel -Architecture $spec.Architecture -Seed $Seed) `
            -Epochs $spec.Epochs -Augment:$spec.Augment -ThreadCount $ThreadCount -Quiet
        if ($file) {
            New-Item -ItemType Directory -Force $ModelFolder | Out-Null
            $trained | Export-MnistModel -LiteralPath $file -Force
        }
    }
    $test = $trained | Test-MnistModel
    $clock.Restart()
    # A picture that gives an error (no digit found) counts as wrong.
    $predicted = @{}
    Get-MnistPrediction -Model $trained -LiteralPath $pictures.FullName -ErrorAction SilentlyContinue | ForEach-Object { $predicted[$_.File] = $_.Predicted }
    $predictSeconds = $clock.Elapsed.TotalSeconds
    $right = foreach ($picture in $pictures) { [pscustomobject]@{ Kind = $picture.Kind; Right = $predicted[$picture.FullName] -eq $picture.Label } }
    [pscustomobject]@{
        Spec      = $spec
        Epochs    = @($trained.History).Count
        Seconds   = ($trained.History | Measure-Object Seconds -Sum).Sum
        Test      = $test.Accuracy
        Pictures  = @($right | Where-Object Right).Count / $pictures.Count
        PerKind   = $right | Group-Object Kind | ForEach-Object {
            [pscustomobject]@{ Kind = $_.Name; Accuracy = @($_.Group | Where-Object Right).Count / $_.Count }
        }
        Predict   = $predictSeconds
    }
}

$stamp = Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm'
Write-Host "`nPicture set: $($pictures.Count) MNIST test digits as pictures, seed $Seed ($stamp UTC, $ThreadCount threads)`n"
'| model | epochs | test accuracy | picture-set accuracy | training s |'
'| --- | ---: | ---: | ---: | ---: |'
foreach ($r in $results) {
    '| {0} | {1} | {2:F4} | {3:F4} | {4:F0} |' -f $r.Spec.Title, $r.Epochs, $r.Test, $r.Pictures, $r.Seconds
}
''
'| kind | ' + (($results | ForEach-Object { $_.Spec.Title }) -join ' | ') + ' |'
'| --- |' + (' ---: |' * $results.Count)
foreach ($kind in ($pictures | Select-Object -ExpandProperty Kind -Unique)) {
    $cells = foreach ($r in $results) { '{0:F2}' -f ($r.PerKind | Where-Object Kind -EQ $kind).Accuracy }
    "| $kind | " + ($cells -join ' | ') + ' |'
}
''
foreach ($r in $results) { Write-Host ('{0}: {1:N0} pictures predicted in {2:F1} s' -f $r.Spec.Title, $pictures.Count, $r.Predict) }
