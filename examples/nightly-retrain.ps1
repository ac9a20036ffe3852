<#
.SYNOPSIS
    Nightly retrain: train a new model, evaluate it, and promote it over the production model only when it is better.
.DESCRIPTION
    1. Loads the data (the cache, or -DataPath) and trains a new model.
    2. Evaluates the new model and the current production model (if any) on the same test split.
    3. Promotes the new model only when its test accuracy is strictly higher and at least -MinimumAccuracy:
       the production file is replaced atomically (Export-MnistModel writes a temporary file and renames it),
       and a timestamped copy goes to the archive folder, which keeps the last -Keep versions.
    4. Writes a metrics JSON (decision, both accuracies, History, evaluation) and, when a chart cmdlet is
       available, a history chart, both beside the production file unless told otherwise.
    Exit codes: 0 promoted; 2 not promoted (the new model was not better, or below the minimum); 1 failure.
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
    [ValidateRange(1, 1000)] [int] $Epochs = 5,
    [ValidateRange(1, 60000)] [int] $TrainCount = 60000,
    [long] $Seed = (Get-Random -Maximum ([int]::MaxValue)),
    [ValidateRange(0.0, 1.0)] [double] $MinimumAccuracy = 0.0,
    [string] $ModuleManifest = 'Mnist'
)

$ErrorActionPreference = 'Stop'
try {
    Import-Module $ModuleManifest
    $productionFolder = Split-Path -Parent ([System.IO.Path]::GetFullPath($ProductionPath))
    New-Item -ItemType Directory $productionFolder -Force | Out-Null
    if (-not $ArchiveFolder) { $ArchiveFolder = Join-Path $productionFolder 'archive' }
    if (-not $MetricsPath) { $MetricsPath = Join-Path $productionFolder 'metrics.json' }
    if (-not $ChartPath) { $ChartPath = Join-Path $productionFolder 'history.png' }
    New-Item -ItemType Directory $ArchiveFolder -Force | Out-Null

    $data = if ($DataPath) { Import-MnistData -Path $DataPath -TrainCount $TrainCount } else { Import-MnistData -TrainCount $TrainCount }
    $candidate = $data | Invoke-MnistTraining -Epochs $Epochs -Seed $Seed -Quiet
    $candidateResult = $candidate | Test-MnistModel -Data $data

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

    $metrics = [ordered]@{
        Time            = (Get-Date).ToString('o')
        Decision        = $decision
        Promoted        = $promote
        Seed            = $Seed
        Accuracy        = $candidateResult.Accuracy
        Loss            = $candidateResult.Loss
        CurrentAccuracy = if ($currentResult) { $currentResult.Accuracy } else { $null }
        ProductionPath  = [System.IO.Path]::GetFullPath($ProductionPath)
        History         = $candidate.History
        Evaluation      = $candidateResult
    }
    $temporary = "$MetricsPath.$([guid]::NewGuid().ToString('N')).tmp"
    $metrics | ConvertTo-Json -Depth 6 | Set-Content -Path $temporary
    Move-Item $temporary $MetricsPath -Force

    $candidate | Export-MnistChart -Kind History -Path $ChartPath -Force

    Write-Host $decision
    exit ($promote ? 0 : 2)
} catch {
    Write-Error "Nightly retrain failed: $($_.Exception.Message)" -ErrorAction Continue
    exit 1
}
