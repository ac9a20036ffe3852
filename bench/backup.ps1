<#
.SYNOPSIS
    Measures what -BackupPath adds to an epoch (the notebook MLP and FastCnn, on all 60,000 images, with and without,
    in one process): the whole epoch from one -OnEpochEnd to the next, so the backup's write (serialising the model,
    the zip, the flush to disk and the move into place) is inside it; the backup must add at most a tenth.
.EXAMPLE
    dotnet pwsh ./bench/backup.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [int] $Epochs = 3,
    [int] $Rounds = 2,
    [string[]] $Architecture = @('Mlp', 'FastCnn'),
    [long] $Seed = 1,
    [string] $BackupFolder = (Join-Path ([IO.Path]::GetTempPath()) "mnist-bench-backup-$PID")
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$data = Import-MnistData

# One untimed epoch first so the first measured one does not pay for loading and warming up libtorch.
$null = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed $Seed) -Epochs 1 -Quiet

# Seconds from the end of one epoch's callbacks to the end of the next's (every epoch after the first).
function Measure-EpochCycle([string] $Architecture, [bool] $Backup) {
    $script:ends = [System.Collections.Generic.List[double]]::new()
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $arguments = @{ Model = (New-MnistModel -Architecture $Architecture -Seed $Seed); Epochs = $Epochs; Quiet = $true }
    if ($Backup) { $arguments.BackupPath = $BackupFolder }
    $null = $data | Invoke-MnistTraining @arguments -OnEpochEnd { $script:ends.Add($clock.Elapsed.TotalSeconds) }
    $cycles = for ($i = 1; $i -lt $ends.Count; $i++) { $ends[$i] - $ends[$i - 1] }
    ($cycles | Sort-Object)[[int][math]::Floor(($cycles.Count - 1) / 2)]
}

$rows = foreach ($architecture in $Architecture) {
    # Alternating runs, so that a slow spell of the machine does not fall on one side only.
    $plain = @(); $backed = @()
    foreach ($round in 1..$Rounds) {
        $plain += Measure-EpochCycle $architecture $false
        $backed += Measure-EpochCycle $architecture $true
        Write-Host ('{0} round {1}: plain {2:F3} s/epoch, with backup {3:F3} s/epoch' -f $architecture, $round, $plain[-1], $backed[-1])
    }
    $plainSeconds = ($plain | Measure-Object -Minimum).Minimum
    $backupSeconds = ($backed | Measure-Object -Minimum).Minimum
    [pscustomobject]@{
        Architecture      = $architecture
        'Plain s/epoch'   = [math]::Round($plainSeconds, 3)
        'Backup s/epoch'  = [math]::Round($backupSeconds, 3)
        'Extra s/epoch'   = [math]::Round($backupSeconds - $plainSeconds, 3)
        'Extra %'         = [math]::Round(100 * ($backupSeconds - $plainSeconds) / $plainSeconds, 1)
    }
}
Remove-Item -Recurse -Force $BackupFolder -ErrorAction SilentlyContinue
$rows | Format-Table -AutoSize | Out-Host
