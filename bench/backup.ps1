<#
.SYNOPSIS
    Measures what -BackupPath adds to an epoch, for the notebook MLP and FastCnn on all 60,000 images: the seconds of
    each epoch's training and validation (History's Seconds) against the seconds the backup adds after it (serialising
    the model, the zip, the flush to disk and the move into place), read in the same epoch from the training's own
    clock, so a busy machine slows both alike. A run without -BackupPath gives what the other callbacks take.
    The backup must add at most a tenth to an epoch.
.EXAMPLE
    dotnet pwsh ./bench/backup.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [string[]] $Architectures = @('Mlp', 'FastCnn'),
    [int] $Epochs = 3,
    [long] $Seed = 1,
    [string] $BackupFolder = (Join-Path ([IO.Path]::GetTempPath()) "mnist-bench-backup-$PID")
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$data = Import-MnistData

# One untimed epoch first so the first measured one does not pay for loading and warming up libtorch.
$null = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed $Seed) -Epochs 1 -Quiet

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor(($Values.Count - 1) / 2)] }

# Per epoch: History's seconds (training and validation) and the seconds after them until -OnEpochEnd runs (the
# callbacks before it: History, the schedule and, with -BackupPath, the backup).
function Measure-Epochs([string] $Architecture, [bool] $Backup) {
    $script:measured = [System.Collections.Generic.List[object]]::new()
    $arguments = @{ Model = (New-MnistModel -Architecture $Architecture -Seed $Seed); Epochs = $Epochs; Quiet = $true }
    if ($Backup) { $arguments.BackupPath = $BackupFolder }
    $null = $data | Invoke-MnistTraining @arguments -OnEpochEnd {
        param($record, $training)
        $after = $training.EpochElapsed.TotalSeconds - $record.Seconds
        $file = Get-Item (Join-Path $BackupFolder 'training-backup.zip') -ErrorAction SilentlyContinue
        $script:measured.Add([pscustomobject]@{ Seconds = $record.Seconds; After = $after; Bytes = if ($file) { $file.Length } else { 0 } })
    }
    [pscustomobject]@{ Seconds = Get-Median $measured.Seconds; After = Get-Median $measured.After; Bytes = ($measured.Bytes | Measure-Object -Maximum).Maximum }
}

$rows = foreach ($name in $Architectures) {
    $plain = Measure-Epochs $name $false
    $backed = Measure-Epochs $name $true
    $extra = $backed.After - $plain.After
    [pscustomobject]@{
        Architecture    = $name
        'Epoch s'       = [math]::Round($backed.Seconds, 2)
        'Backup s'      = [math]::Round($extra, 3)
        'Added %'       = [math]::Round(100 * $extra / $backed.Seconds, 1)
        'Plain epoch s' = [math]::Round($plain.Seconds, 2)
        'Backup MB'     = [math]::Round($backed.Bytes / 1MB, 1)
    }
}
Remove-Item -Recurse -Force $BackupFolder -ErrorAction SilentlyContinue
$rows | Format-Table -AutoSize | Out-String -Width 200
