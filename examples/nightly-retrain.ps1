<#
.SYNOPSIS
    Nightly retrain: learn from the pictures labelled since yesterday, evaluate, and promote the new model over the
    production model only when it is better.
.DESCRIPTION
    1. Loads the data (the cache, or -DataPath) and, with -DropFolder, the folder of class folders where people put
       newly labelled pictures (0/, 1/, ...: the review loop's corrected mistakes, new scans), joins the two and trains
       a new model on both. The drop folder is split by each picture's content, so a test picture stays a test
       picture as the folder grows night after night.
    2. Evaluates the new model and the current production model (if any) on the same test split (the joined one), and
       on the drop folder's own test split.
    3. Promotes the new model only when its test accuracy is strictly higher and at least -MinimumAccuracy:
       the production file is replaced atomically (Export-MnistModel writes a temporary file and renames it),
       and a timestamped copy goes to the archive folder, which keeps the last -Keep versions.
    4. Writes a metrics JSON (decision, both accuracies, History, evaluation) and, when a chart cmdlet is
       available, a history chart, both beside the production file unless told otherwise.
    Exit codes: 0 promoted; 2 not promoted (the new model was not better, or below the minimum); 1 failure.
    The metrics say how much data the model learned from: MNIST's and the drop folder's images, and how many drop
    folder pictures are new since the last run.
.EXAMPLE
    pwsh -File ./examples/nightly-retrain.ps1 -ProductionPath /srv/models/mnist.model -DropFolder /srv/labelled
.EXAMPLE
    pwsh -File ./examples/nightly-retrain.ps1 -ProductionPath /srv/models/mnist.model -Keep 7
.EXAMPLE
    pwsh -File ./examples/nightly-retrain.ps1 -ProductionPath ./prod/mnist.model -TrainCount 5000 -Epochs 1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ProductionPath,
    [string] $ArchiveFolder,
    [ValidateRange(1, 1000)] [int] $Keep = 5,
    [string] $MetricsPath,
    [string] $ChartPath,
    [string] $DataPath,
    # A folder of class folders (0/, 1/, ...) of newly labelled pictures, joined with the data every night.
    [string] $DropFolder,
    [ValidateRange(1, 1000)] [int] $Epochs = 5,
    [ValidateRange(1, 60000)] [int] $TrainCount = 60000,
    [long] $Seed = (Get-Random -Maximum ([int]::MaxValue)),
    [ValidateRange(0.0, 1.0)] [double] $MinimumAccuracy = 0.0,
    # The module to use: by default the repository's build when run from a checkout, else the installed module.
    [string] $ModuleManifest
)

$ErrorActionPreference = 'Stop'
try {
    if (-not $ModuleManifest) {
        $built = Join-Path $PSScriptRoot '../out/Mnist/Mnist.psd1'
        $ModuleManifest = if (Test-Path $built) { $built } else { 'Mnist' }
    }
    Import-Module $ModuleManifest
    $productionFolder = Split-Path -Parent ([System.IO.Path]::GetFullPath($ProductionPath))
    New-Item -ItemType Directory $productionFolder -Force | Out-Null
    if (-not $ArchiveFolder) { $ArchiveFolder = Join-Path $productionFolder 'archive' }
    if (-not $MetricsPath) { $MetricsPath = Join-Path $productionFolder 'metrics.json' }
    if (-not $ChartPath) { $ChartPath = Join-Path $productionFolder 'history.png' }
    New-Item -ItemType Directory $ArchiveFolder -Force | Out-Null

    $data = if ($DataPath) { Import-MnistData -Path $DataPath -TrainCount $TrainCount } else { Import-MnistData -TrainCount $TrainCount }
    $base = $data
    $drop = $null
    if ($DropFolder) {
        $drop = Import-MnistData -Path $DropFolder -ClassNames $data.ClassNames
        $data = $data | Join-MnistData -Dataset $drop
    }
    $candidate = $data | Invoke-MnistTraining -Epochs $Epochs -Seed $Seed -Quiet
    $candidateResult = $candidate | Test-MnistModel -Data $data
    $candidateOnDrop = if ($drop -and $drop.Test.Count -gt 0) { $candidate | Test-MnistModel -Data $drop }

    $current = $null
    $currentResult = $null
    if (Test-Path $ProductionPath) {
        $current = Import-MnistModel -Path $ProductionPath
        $currentResult = $current | Test-MnistModel -Data $data
    }

    $promote = $candidateResult.Accuracy -ge $MinimumAccuracy -and
        ($null -eq $currentResult -or $candidateResult.Accuracy -gt $currentResult.Accuracy)
    $decision = if ($promote -and $null -eq $currentResult) {
        'promoted: no production model yet'
    } elseif ($promote) {
        'promoted: accuracy {0:F4} > current {1:F4}' -f $candidateResult.Accuracy, $currentResult.Accuracy
    } elseif ($candidateResult.Accuracy -lt $MinimumAccuracy) {
        'not promoted: accuracy {0:F4} < minimum {1:F4}' -f $candidateResult.Accuracy, $MinimumAccuracy
    } else {
        'not promoted: accuracy {0:F4} <= current {1:F4}' -f $candidateResult.Accuracy, $currentResult.Accuracy
    }

    if ($promote) {
        $stamp = Get-Date -Format 'yyyyMMdd-HHmmss-fff'
        $candidate | Export-MnistModel -Path (Join-Path $ArchiveFolder "mnist-$stamp.model")
        $candidate | Export-MnistModel -Path $ProductionPath -Force
        Get-ChildItem $ArchiveFolder -Filter 'mnist-*.model' | Sort-Object Name -Descending |
            Select-Object -Skip $Keep | Remove-Item
    }

    $previous = if (Test-Path $MetricsPath) { Get-Content $MetricsPath -Raw | ConvertFrom-Json }
    $dropCount = if ($drop) { $drop.Train.Count + $drop.Test.Count } else { 0 }
    $learnedFrom = [ordered]@{
        TrainImages     = $data.Train.Count
        FromData        = $base.Train.Count
        FromDropFolder  = if ($drop) { $drop.Train.Count } else { 0 }
        DropFolderTest  = if ($drop) { $drop.Test.Count } else { 0 }
        DropFolderTotal = $dropCount
        NewInDropFolder = if ($previous -and $previous.PSObject.Properties['LearnedFrom']) { $dropCount - $previous.LearnedFrom.DropFolderTotal } else { $dropCount }
        DropFolderData  = if ($drop) { $drop.Identity.ToString() } else { $null }
    }
    $metrics = [ordered]@{
        Time            = (Get-Date).ToString('o')
        Decision        = $decision
        Promoted        = $promote
        Seed            = $Seed
        Accuracy        = $candidateResult.Accuracy
        Loss            = $candidateResult.Loss
        CurrentAccuracy = if ($currentResult) { $currentResult.Accuracy } else { $null }
        DropFolderAccuracy = if ($candidateOnDrop) { $candidateOnDrop.Accuracy } else { $null }
        LearnedFrom     = $learnedFrom
        ProductionPath  = [System.IO.Path]::GetFullPath($ProductionPath)
        History         = $candidate.History
        Evaluation      = $candidateResult
    }
    $temporary = "$MetricsPath.$([guid]::NewGuid().ToString('N')).tmp"
    $metrics | ConvertTo-Json -Depth 6 | Set-Content -Path $temporary
    Move-Item $temporary $MetricsPath -Force

    $candidate | Export-MnistChart -Kind History -Path $ChartPath -Force

    Write-Host $decision
    Write-Host ('learned from {0:N0} images: {1:N0} of {2} and {3:N0} from the drop folder ({4:N0} new since the last run){5}' -f
        $learnedFrom.TrainImages, $learnedFrom.FromData, $base.Name, $learnedFrom.FromDropFolder, $learnedFrom.NewInDropFolder,
        $(if ($candidateOnDrop) { '; accuracy on the drop folder''s test split {0:F4}' -f $candidateOnDrop.Accuracy }))
    exit ($promote ? 0 : 2)
} catch {
    Write-Error "Nightly retrain failed: $($_.Exception.Message)" -ErrorAction Continue
    exit 1
}
