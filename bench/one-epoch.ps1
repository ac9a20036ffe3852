<#
.SYNOPSIS
    The functions behind bench/cnn.ps1 -OneEpoch (dot-sourced by it): FastCnn's one epoch and the notebook's MLP
    against PyTorch's same recipes, in one run, on the same threads.
#>

function Get-LoadAverage { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[($sorted.Count - 1) / 2] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

# The fresh-process side: one JSON object on stdout.
function Invoke-OneEpochWorker([string] $Kind, [string] $ModuleManifest, [long[]] $Seed, [int] $ThreadCount, [int] $MlpEpochs, [switch] $NoWarmUp) {
    Import-Module $ModuleManifest
    $data = Import-MnistData
    $warmUp = (New-MnistModel -Seed 0).GetType().Assembly.GetType('Mnist.Core.Training.TrainingWarmUp')
    if ($NoWarmUp) { $warmUp::Enabled = $false }
    if ($Kind -eq 'FirstEpochCpu') {
        # On one thread (no spinning helper threads), the process's CPU seconds per training of one epoch: the first in
        # this process against the later ones, on 12,800 images (50 batches), with or without the warm-up. CPU time
        # moves far less with other sessions' load than wall time does; the warm-up's own CPU is reported apart.
        $slice = Import-MnistData -TrainCount 12800 -TestCount 100
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $cpu = foreach ($s in 1..4) {
            $model = New-MnistModel -Architecture FastCnn -Seed $s
            $process.Refresh(); $before = $process.TotalProcessorTime
            $trained = $slice | Invoke-MnistTraining -Model $model -Epochs 1 -ValidationSplit 0 -ThreadCount 1 -Quiet
            $process.Refresh()
            [pscustomobject]@{ Cpu = ($process.TotalProcessorTime - $before).TotalSeconds; Seconds = $trained.History[0].Seconds }
        }
        [pscustomobject]@{ Cpu = @($cpu.Cpu); Seconds = @($cpu.Seconds); WarmUp = $warmUp::LastSeconds; Load = Get-LoadAverage } | ConvertTo-Json -Compress
        return
    }
    if ($Kind -eq 'Mlp') {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $model = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 1) -Epochs $MlpEpochs -ThreadCount $ThreadCount -Quiet
        [pscustomobject]@{
            Epochs = @($model.History.Seconds); Accuracy = ($model | Test-MnistModel).Accuracy
            CallSeconds = $clock.Elapsed.TotalSeconds; WarmUp = $warmUp::LastSeconds; Load = Get-LoadAverage
        } | ConvertTo-Json -Compress
        return
    }
    $runs = foreach ($s in $Seed) {
        $load = Get-LoadAverage
        $before = $warmUp::LastSeconds
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $model = $data | Invoke-MnistTraining -Model (New-MnistModel -Architecture FastCnn -Seed $s) -Epochs 1 -ValidationSplit 0 -ThreadCount $ThreadCount -Quiet
        $call = $clock.Elapsed.TotalSeconds
        [pscustomobject]@{
            Seed = $s; Seconds = $model.History[0].Seconds; CallSeconds = $call; Accuracy = ($model | Test-MnistModel).Accuracy
            WarmUp = if ($warmUp::LastSeconds -ne $before) { $warmUp::LastSeconds } else { $null }; Load = $load
        }
    }
    @{ Runs = @($runs) } | ConvertTo-Json -Compress -Depth 4
}

. "$PSScriptRoot/Install-Reference.ps1"

function Invoke-Reference([string[]] $Arguments) {
    $json = & /usr/bin/python3 "$PSScriptRoot/reference.py" @Arguments
    if ($LASTEXITCODE -ne 0) { throw "The PyTorch reference failed ($($Arguments -join ' '))." }
    $json | Select-Object -Last 1 | ConvertFrom-Json
}

function Invoke-Worker([string] $Kind, [string] $ModuleManifest, [long[]] $Seed, [int] $ThreadCount, [int] $MlpEpochs, [switch] $NoWarmUp) {
    $arguments = @('-NoProfile', '-NonInteractive', '-File', "$PSScriptRoot/cnn.ps1", '-ModuleManifest', $ModuleManifest, '-Worker', $Kind,
        '-WorkerSeeds', ($Seed -join ' '), '-ThreadCount', $ThreadCount, '-MlpEpochs', $MlpEpochs)
    if ($NoWarmUp) { $arguments += '-NoWarmUp' }
    $json = & dotnet pwsh @arguments
    if ($LASTEXITCODE -ne 0) { throw "The module's $Kind run failed." }
    $json | Select-Object -Last 1 | ConvertFrom-Json
}

function Invoke-OneEpochComparison([string] $ModuleManifest, [long[]] $Seed, [long[]] $ReferenceSeed, [int] $ThreadCount, [int] $MlpEpochs, [switch] $NoWarmUp) {
    $ModuleManifest = (Resolve-Path $ModuleManifest).Path
    Install-Reference
    Import-Module $ModuleManifest   # for the cache folder only: the module's trainings run in fresh processes
    $cache = (New-MnistModel -Seed 0).GetType().Assembly.GetType('Mnist.Core.Data.MnistFiles')::DefaultCacheFolder
    $loads = [ordered]@{ start = Get-LoadAverage }

    # PyTorch's first seed, the module's seeds in a fresh process, PyTorch's other seeds: both sides see the same hour.
    $torchRuns = @((Invoke-Reference @('--fastcnn-epoch', $cache, $ThreadCount, $ReferenceSeed[0])).fast_cnn)
    $loads['after PyTorch FastCnn 1'] = Get-LoadAverage
    $module = Invoke-Worker FastCnn $ModuleManifest $Seed $ThreadCount $MlpEpochs -NoWarmUp:$NoWarmUp
    $loads['after Mnist FastCnn'] = Get-LoadAverage
    if ($ReferenceSeed.Count -gt 1) {
        $torchRuns += @((Invoke-Reference (@('--fastcnn-epoch', $cache, $ThreadCount) + @($ReferenceSeed | Select-Object -Skip 1))).fast_cnn)
        $loads['after PyTorch FastCnn 2'] = Get-LoadAverage
    }
    $mlp = Invoke-Worker Mlp $ModuleManifest $Seed $ThreadCount $MlpEpochs -NoWarmUp:$NoWarmUp
    $loads['after Mnist MLP'] = Get-LoadAverage
    # Two epochs: the second is timed (PyTorch's MLP epoch is minutes long when the machine is loaded).
    $torchMlp = Invoke-Reference @('--mlp', $cache, $ThreadCount, 2)
    $loads['after PyTorch MLP'] = Get-LoadAverage
    $cpuWarm = Invoke-Worker FirstEpochCpu $ModuleManifest $Seed 1 $MlpEpochs
    $cpuCold = Invoke-Worker FirstEpochCpu $ModuleManifest $Seed 1 $MlpEpochs -NoWarmUp
    $loads['end'] = Get-LoadAverage

    $runs = @($module.Runs)
    $later = @($runs | Select-Object -Skip 1)
    $moduleEpoch = Get-Median @($runs.Seconds)
    $torchEpoch = Get-Median @($torchRuns.seconds)
    $laterEpoch = if ($later) { Get-Median @($later.Seconds) } else { $null }
    $laterCall = if ($later) { Get-Median @($later.CallSeconds) } else { $null }
    $mean = ($runs.Accuracy | Measure-Object -Average).Average
    $mlpEpoch = Get-Median @($mlp.Epochs | Select-Object -Skip 1)
    $torchMlpEpoch = Get-Median @($torchMlp.mlp_epochs | Select-Object -Skip 1)

    function Row($Measure, $Mnist, $PyTorch, $Ratio, $Target) { [pscustomobject]@{ Measure = $Measure; Mnist = $Mnist; PyTorch = $PyTorch; Ratio = $Ratio; Target = $Target } }
    $rows = @(
        foreach ($run in $runs) {
            $torch = $torchRuns | Where-Object seed -EQ $run.Seed
            Row "FastCnn 1 epoch, seed $($run.Seed): test accuracy" ('{0:F4}' -f $run.Accuracy) ($torch ? ('{0:F4}' -f $torch.accuracy) : '') '' '>= 0.988'
        }
        Row 'FastCnn 1 epoch: mean test accuracy' ('{0:F4}' -f $mean) '' '' '>= 0.990'
        Row 'FastCnn epoch, train s (median)' ('{0:F2} s' -f $moduleEpoch) ('{0:F2} s' -f $torchEpoch) ('{0:F2}x' -f ($moduleEpoch / $torchEpoch)) '<= 0.35x'
        if ($later) {
            Row 'first epoch in a fresh process / later ones' ('{0:F2} / {1:F2} s' -f $runs[0].Seconds, $laterEpoch) '' ('{0:F2}x' -f ($runs[0].Seconds / $laterEpoch)) '<= 1.1x'
            Row 'first training call (with warm-up) / later calls' ('{0:F2} / {1:F2} s' -f $runs[0].CallSeconds, $laterCall) '' ('{0:F2}x' -f ($runs[0].CallSeconds / $laterCall)) ''
        }
        foreach ($case in @(@{ Name = 'with warm-up'; Run = $cpuWarm }, @{ Name = 'without'; Run = $cpuCold })) {
            $laterCpu = Get-Median @($case.Run.Cpu | Select-Object -Skip 1)
            Row "first / later epoch, process CPU s, 1 thread, 12,800 images, $($case.Name)" ('{0:F2} / {1:F2} s' -f $case.Run.Cpu[0], $laterCpu) '' ('{0:F2}x' -f ($case.Run.Cpu[0] / $laterCpu)) '<= 1.1x'
        }
        Row 'warm-up, once per process' ($null -ne $runs[0].WarmUp ? ('{0:F2} s' -f $runs[0].WarmUp) : 'off') '' '' ''
        Row "MLP epoch, batch 128 (median of 2-$MlpEpochs)" ('{0:F2} s' -f $mlpEpoch) ('{0:F2} s' -f $torchMlpEpoch) ('{0:F2}x' -f ($mlpEpoch / $torchMlpEpoch)) '<= 0.25x'
        Row "MLP test accuracy after $MlpEpochs epochs" ('{0:F4}' -f $mlp.Accuracy) ('{0:F4} (2 epochs)' -f $torchMlp.mlp_accuracy) '' '>= 0.978'
    )
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Write-Host ("Mnist FastCnn epochs (s): {0}" -f (($runs | ForEach-Object { '{0:F2}' -f $_.Seconds }) -join ', '))
    Write-Host ("PyTorch {0} FastCnn epochs (s): {1}; MLP epochs (s): {2}" -f $torchMlp.torch, (($torchRuns | ForEach-Object { '{0:F2}' -f $_.seconds }) -join ', '),
        (($torchMlp.mlp_epochs | ForEach-Object { '{0:F2}' -f $_ }) -join ', '))
    Write-Host ("Mnist MLP epochs (s): {0}" -f (($mlp.Epochs | ForEach-Object { '{0:F2}' -f $_ }) -join ', '))
    Write-Host ("FastCnn on 12,800 images, 1 thread, process CPU s per epoch: with warm-up {0} (warm-up {1:F2} s wall); without {2}" -f
        (($cpuWarm.Cpu | ForEach-Object { '{0:F2}' -f $_ }) -join ', '), $cpuWarm.WarmUp, (($cpuCold.Cpu | ForEach-Object { '{0:F2}' -f $_ }) -join ', '))
    Write-Host ("{0} threads; load average (1, 5, 15 min): {1}" -f $ThreadCount, (($loads.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join '; '))
    [pscustomobject]@{ Rows = $rows; Module = $runs; PyTorch = $torchRuns; Mlp = $mlp; PyTorchMlp = $torchMlp; FirstEpochCpu = $cpuWarm; FirstEpochCpuWithoutWarmUp = $cpuCold; Loads = $loads }
}
