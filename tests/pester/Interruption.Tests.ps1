# Stopping long work from another thread, as Ctrl+C or a scheduler's timeout does.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"

    function Wait-Until([scriptblock] $Condition, [int] $TimeoutSeconds = 60) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($clock.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Gave up after $TimeoutSeconds s waiting for: $Condition" }
            Start-Sleep -Milliseconds 20
        }
    }
}

Describe 'Stopping a running training' {
    BeforeAll {
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($ModuleManifest)
        $script:runspace = [runspacefactory]::CreateRunspace($state)
        $runspace.Open()
        $script:shell = [powershell]::Create($runspace)
        [void]$shell.AddScript('Import-MnistData -TrainCount 20000 -TestCount 100 | Invoke-MnistTraining -Epochs 1000 -ThreadCount 1 -Quiet')
        $script:invocation = $shell.BeginInvoke()
        Wait-Until { $shell.Streams.Progress | Where-Object Activity -Like 'Epoch *' }
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $script:stopSeconds = $clock.Elapsed.TotalSeconds
    }

    AfterAll {
        $shell.Dispose()
        $runspace.Dispose()
    }

    It 'stops within a second' {
        $stopSeconds | Should -BeLessThan 1
        $shell.InvocationStateInfo.State | Should -Be 'Stopped'
    }

    It 'outputs no half-trained model' {
        $err = { $shell.EndInvoke($invocation) } | Should -Throw -PassThru
        $err.Exception.InnerException | Should -BeOfType ([System.Management.Automation.PipelineStoppedException])
    }

    It 'leaves the runspace usable for the next command' {
        $shell.Commands.Clear()
        $result = $shell.AddScript('(Import-MnistData -TrainCount 300 -TestCount 50 | Invoke-MnistTraining -Epochs 1 -Seed 1 -ThreadCount 1 -Quiet).History.Count').Invoke()
        $result | Should -Be 1
        $shell.Streams.Error | Should -BeNullOrEmpty
    }
}

Describe 'A training stopped mid-epoch changes nothing it did not finish' {
    BeforeAll {
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($ModuleManifest)
        $script:runspace2 = [runspacefactory]::CreateRunspace($state)
        $runspace2.Open()
        $runspace2.SessionStateProxy.SetVariable('data', (Import-MnistData -TrainCount 6000 -TestCount 200))
        $script:shell2 = [powershell]::Create($runspace2)
        # Two epochs complete, then the third is stopped part-way by PowerShell.Stop() from this thread.
        [void]$shell2.AddScript(@'
$global:stopped = New-MnistModel -Seed 21
$data | Invoke-MnistTraining -Model $global:stopped -Epochs 1000 -BatchSize 50 -ThreadCount 1 -Quiet
'@)
        $script:invocation2 = $shell2.BeginInvoke()
        Wait-Until { $shell2.Streams.Progress | Where-Object { $_.Activity -eq 'Epoch 3' -and $_.PercentComplete -ge 20 } }
        $shell2.Stop()
        $shell2.Commands.Clear()
        [void]$shell2.AddScript(@'
$unbroken = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 21) -Epochs 2 -BatchSize 50 -ThreadCount 1 -Quiet
$same = $true
$a = $global:stopped | Get-MnistPrediction -Data $data -Index (0..199)
$b = $unbroken | Get-MnistPrediction -Data $data -Index (0..199)
for ($i = 0; $i -lt 200; $i++) { if (-not [Linq.Enumerable]::SequenceEqual([double[]]$a[$i].Probabilities, [double[]]$b[$i].Probabilities)) { $same = $false } }
[pscustomobject]@{ Epochs = $global:stopped.EpochsTrained; Same = $same }
'@)
        $script:after = $shell2.Invoke()
    }

    AfterAll {
        $shell2.Dispose()
        $runspace2.Dispose()
    }

    It 'keeps the model as after its last completed epoch, bitwise like an unbroken run of that many epochs' {
        $after.Epochs | Should -Be 2
        $after.Same | Should -BeTrue
    }
}
