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
