<#
.SYNOPSIS
    What process isolation costs a sweep: a 6-trial sweep of the notebook's MLP (3 learning rates x 2 batch sizes,
    all 60,000 images, -Epochs 2) with Invoke-MnistSweep, one trial at a time with both cores and two at a time with
    one core each, against the same six trainings run one after another in this one process (New-MnistModel |
    Invoke-MnistTraining, both cores). Wall times in the same run, as ratios to the in-process loop; the accuracies
    show the trials are the same trainings. Rounds alternate the order, as the machine is shared.
.EXAMPLE
    dotnet pwsh ./bench/sweep.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = 'Mnist',
    [int] $Epochs = 2,
    [int] $Rounds = 1,
    [long] $Seed = 1
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$data = Import-MnistData
$grid = [ordered]@{ LearningRate = 0.0005, 0.001, 0.002; BatchSize = 64, 128 }
$cores = [Environment]::ProcessorCount
$null = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed $Seed) -Epochs 1 -Quiet   # warm this process up once

function Measure-InProcess {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $scores = foreach ($rate in $grid.LearningRate) {
        foreach ($batch in $grid.BatchSize) {
            $model = New-MnistModel -LearningRate $rate -BatchSize $batch -Seed $Seed
            $trained = $data | Invoke-MnistTraining -Model $model -Epochs $Epochs -ThreadCount $cores -Quiet
            ($trained.History | Measure-Object -Property ValAccuracy -Maximum).Maximum
            $trained.Dispose()
        }
    }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Best = ($scores | Measure-Object -Maximum).Maximum }
}

function Measure-Sweep([int] $AtOnce) {
    $path = Join-Path ([IO.Path]::GetTempPath()) "mnist-bench-sweep-$PID-$AtOnce-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
    try {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $rows = @($data | Invoke-MnistSweep -Parameter $grid -Epochs $Epochs -Seed $Seed -ThrottleLimit $AtOnce -Path $path)
        $seconds = $clock.Elapsed.TotalSeconds
        if ($rows.Status -ne 'Succeeded') { throw "A trial failed: $(($rows | Where-Object Status -ne 'Succeeded').Reason)" }
        [pscustomobject]@{ Seconds = $seconds; Best = $rows[0].Score; TrialSeconds = ($rows | Measure-Object Seconds -Sum).Sum }
    }
    finally { Remove-Item -LiteralPath $path -Recurse -Force -ErrorAction Ignore }
}

$table = for ($round = 1; $round -le $Rounds; $round++) {
    $load = (Get-Content /proc/loadavg -ErrorAction Ignore) -split ' ' | Select-Object -First 1
    $order = if ($round % 2) { 'loop', 'one', 'two' } else { 'two', 'one', 'loop' }
    $r = @{}
    foreach ($o in $order) {
        $r[$o] = switch ($o) { 'loop' { Measure-InProcess } 'one' { Measure-Sweep 1 } 'two' { Measure-Sweep 2 } }
    }
    [pscustomobject]@{
        Round                  = $round
        Load                   = $load
        'In-process loop s'    = [math]::Round($r.loop.Seconds, 1)
        'Sweep 1 at once s'    = [math]::Round($r.one.Seconds, 1)
        'ratio'                = [math]::Round($r.one.Seconds / $r.loop.Seconds, 2)
        'Sweep 2 at once s'    = [math]::Round($r.two.Seconds, 1)
        'ratio '               = [math]::Round($r.two.Seconds / $r.loop.Seconds, 2)
        'Best val_accuracy'    = '{0:F4} / {1:F4} / {2:F4}' -f $r.loop.Best, $r.one.Best, $r.two.Best
    }
}
$table | Format-Table -AutoSize | Out-String -Width 200
