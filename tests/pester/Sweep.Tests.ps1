# Invoke-MnistSweep: a search over settings, one training per trial, each trial in a process of its own (here or over
# SSH remoting), kept in a folder that a rerun resumes.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    . "$PSScriptRoot/SshServer.ps1"
    Import-Module $ModuleManifest
    $script:folder = New-TestFolder
    $script:data = Import-MnistData -TrainCount 1000 -TestCount 100

    # The processes running the trials of the sweep in $Path (their command lines name the trial folders).
    function Get-TrialProcess([string] $Path) {
        Get-Process | Where-Object { $_.Id -ne $PID -and $_.CommandLine -like "*Mnist.Trial.ps1*$Path*" }
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 120) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for: $Condition" }
            Start-Sleep -Milliseconds 100
        }
    }

    # A sweep on 2,000 training images run in a runspace of this process, so that the test can act while it runs.
    function Start-SweepInRunspace([string] $Path, [hashtable] $Parameter, [int] $Epochs, [long] $Seed) {
        $sweep = [powershell]::Create()
        $null = $sweep.AddScript({
                param($Manifest, $Path, $Parameter, $Epochs, $Seed)
                Import-Module $Manifest
                Import-MnistData -TrainCount 2000 -TestCount 100 |
                    Invoke-MnistSweep -Parameter $Parameter -Epochs $Epochs -Seed $Seed -Path $Path -WarningAction SilentlyContinue
            }).AddArgument($ModuleManifest).AddArgument($Path).AddArgument($Parameter).AddArgument($Epochs).AddArgument($Seed)
        [pscustomobject]@{ PowerShell = $sweep; Result = $sweep.BeginInvoke() }
    }

    # A sweep run by another PowerShell process (so that the test can kill it).
    function Start-SweepProcess([string] $Path, [string] $Parameters) {
        $script = Join-Path $folder "sweep-$([IO.Path]::GetFileName($Path)).ps1"
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleManifest'
Import-MnistData -TrainCount 1000 -TestCount 100 | Invoke-MnistSweep $Parameters -Path '$Path' | Out-Null
"@
        $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $start.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-File', $script) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        [Diagnostics.Process]::Start($start)
    }
}

Describe 'Invoke-MnistSweep' {
    Context 'a grid' {
        BeforeAll {
            $script:gridPath = Join-Path $folder 'grid'
            $script:rows = @($data | Invoke-MnistSweep -Parameter ([ordered]@{ LearningRate = 0.0005, 0.002; HiddenUnits = @(32), @(64) }) `
                    -Epochs 1 -Seed 1 -ThrottleLimit 2 -Path $gridPath)
        }

        It 'runs one trial per combination, the last parameter varying fastest' {
            $rows.Count | Should -Be 4
            $byTrial = $rows | Sort-Object Trial
            ($byTrial | ForEach-Object { "$($_.LearningRate)/$($_.HiddenUnits)" }) -join ' ' | Should -Be '0.0005/32 0.0005/64 0.002/32 0.002/64'
            $rows.Status | Should -Not -Contain 'Failed'
        }

        It 'runs each trial in a process of its own' {
            $ids = @($rows.ProcessId)
            ($ids | Sort-Object -Unique).Count | Should -Be 4
            $ids | Should -Not -Contain $PID
            $rows.Host | Sort-Object -Unique | Should -Be 'localhost'
        }

        It 'ranks the trials best first by val_accuracy at their best epoch, and learning happened' {
            # ForEach-Object: $rows.Rank would be the array's own Rank (its number of dimensions).
            @($rows | ForEach-Object Rank) | Should -Be @(1, 2, 3, 4)
            $scores = @($rows.Score)
            for ($i = 1; $i -lt $scores.Count; $i++) { $scores[$i] | Should -BeLessOrEqual $scores[$i - 1] }
            $rows[0].Score | Should -BeGreaterThan 0.4   # ten classes: chance is 0.1
            $rows[0].Score | Should -Be $rows[0].ValAccuracy
        }

        It 'keeps each trained model, and the best one as best.model' {
            $model = Import-MnistModel -Path $rows[0].ModelPath
            $model.History.Count | Should -Be 1
            $model.History[0].ValAccuracy | Should -Be $rows[0].Score
            (Get-FileHash (Join-Path $gridPath 'best.model')).Hash | Should -Be (Get-FileHash $rows[0].ModelPath).Hash
        }

        It 'outputs the best model with -PassThru, running nothing again' {
            $before = @(Get-MnistSweep -Path $gridPath | ForEach-Object Attempts)
            $best = $data | Invoke-MnistSweep -Parameter ([ordered]@{ LearningRate = 0.0005, 0.002; HiddenUnits = @(32), @(64) }) -Epochs 1 -Seed 1 -Path $gridPath -PassThru
            $best | Should -BeOfType Mnist.Core.Modeling.MnistModel
            $best.History[0].ValAccuracy | Should -Be $rows[0].Score
            @(Get-MnistSweep -Path $gridPath | ForEach-Object Attempts) | Should -Be $before
        }

        It 'reads the same rows back with Get-MnistSweep' {
            $read = @(Get-MnistSweep -Path $gridPath)
            ($read | ForEach-Object { "$($_.Rank) $($_.Trial) $($_.Score)" }) | Should -Be ($rows | ForEach-Object { "$($_.Rank) $($_.Trial) $($_.Score)" })
        }

        It 'shows the rows in a table view whose every column is a property of the row' {
            $format = [xml](Get-Content (Join-Path (Split-Path $ModuleManifest) 'Mnist.format.ps1xml') -Raw)
            $view = $format.Configuration.ViewDefinitions.View | Where-Object { $_.ViewSelectedBy.TypeName -eq 'Mnist.Core.Sweeps.SweepTrial' }
            foreach ($label in $view.TableControl.TableHeaders.TableColumnHeader.Label) { $rows[0].PSObject.Properties.Name | Should -Contain $label }
            $table = $rows | Out-String -Width 200
            $table | Should -Match 'Rank\s+Trial\s+Status\s+Score'
            $table | Should -Match 'LearningRate=0.002, HiddenUnits=\[64\]|LearningRate=0.002, HiddenUnits=\[32\]'
        }

        It 'draws the trials with Export-MnistChart' {
            $png = Join-Path $folder 'sweep.png'
            $file = $rows | Export-MnistChart -Path $png -PassThru
            $file.Length | Should -BeGreaterThan 5000
            $header = [IO.File]::ReadAllBytes($png)[16..23]   # the PNG's IHDR: width and height, big-endian
            [Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]] $header[0..3]) | Should -Be 1000
            [Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]] $header[4..7]) | Should -BeGreaterOrEqual 300
        }

        It 'refuses to resume the folder with another sweep, naming what differs' {
            { $data | Invoke-MnistSweep -Parameter ([ordered]@{ LearningRate = 0.0005, 0.002; HiddenUnits = @(32), @(64) }) -Epochs 2 -Seed 1 -Path $gridPath } |
                Should -Throw -ErrorId 'SweepMismatch,*' -ExpectedMessage '*Shared*Epochs*'
        }

        It 'refuses a folder that another sweep holds' {
            $lock = [IO.FileStream]::new((Join-Path $gridPath 'sweep.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
            try {
                { $data | Invoke-MnistSweep -Parameter ([ordered]@{ LearningRate = 0.0005, 0.002; HiddenUnits = @(32), @(64) }) -Epochs 1 -Seed 1 -Path $gridPath } |
                    Should -Throw -ErrorId 'SweepFolderInUse,*'
            }
            finally { $lock.Dispose() }
        }
    }

    It 'draws -Count different trials from ranges and lists, within their ranges' {
        $rows = @($data | Invoke-MnistSweep -Parameter @{ LearningRate = @{ Min = 1e-4; Max = 1e-2; Log = $true }; BatchSize = 32, 64 } `
                -Count 2 -Epochs 1 -Seed 7 -ThrottleLimit 2 -Path (Join-Path $folder 'random'))
        $rows.Count | Should -Be 2
        foreach ($row in $rows) {
            $row.LearningRate | Should -BeGreaterOrEqual 1e-4
            $row.LearningRate | Should -BeLessOrEqual 1e-2
            $row.BatchSize | Should -BeIn 32, 64
            $row.Status | Should -Be 'Succeeded'
        }
        ($rows | ForEach-Object Description | Sort-Object -Unique).Count | Should -Be 2
    }

    It 'refuses what it cannot sweep before any trial starts' -TestCases @(
        @{ Parameter = @{ Seed = 1, 2 }; Message = '*set by the sweep*' }
        @{ Parameter = @{ LearningRat = 0.1 }; Message = '*not a parameter*LearningRate*' }
        @{ Parameter = @{ LearningRate = 'fast' }; Message = '*LearningRate*Double*' }
        @{ Parameter = @{ LearningRate = 20 }; Message = '*from*to*outside*' }
        @{ Parameter = @{ LearningRate = @{ Min = 1e-4; Max = 1e-2 } }; Message = '*range*-Count*' }
        @{ Parameter = @{ Layers = , @('Dense(10)'); HiddenUnits = 32 }; Message = '*Layers*' }
    ) {
        param($Parameter, $Message)
        $path = Join-Path $folder "refused-$([guid]::NewGuid().ToString('n'))"
        { $data | Invoke-MnistSweep -Parameter $Parameter -Epochs 1 -Path $path } | Should -Throw -ErrorId 'InvalidSweepParameter,*' -ExpectedMessage $Message
        Test-Path $path | Should -BeFalse
    }

    It 'marks a trial whose process is killed (kill -9) as failed, and the other trials finish' -Skip:$IsWindows {
        $path = Join-Path $folder 'killed-trial'
        $sweep = Start-SweepInRunspace $path @{ LearningRate = 0.001, 0.002 } -Epochs 2 -Seed 3
        try {
            Wait-Until { Get-TrialProcess (Join-Path $path 'trials/001') }
            $victim = Get-TrialProcess (Join-Path $path 'trials/001')
            Stop-Process -Id $victim.Id -Force   # SIGKILL, as kill -9
            $rows = @($sweep.PowerShell.EndInvoke($sweep.Result))
        }
        finally { $sweep.PowerShell.Dispose() }
        $killed = $rows | Where-Object Trial -eq 1
        $killed.Status | Should -Be 'Failed'
        $killed.Reason | Should -BeLike '*signal 9*'
        ($rows | Where-Object Trial -eq 2).Status | Should -Be 'Succeeded'
        $killed.Rank | Should -BeNullOrEmpty
        $rows[-1].Trial | Should -Be 1   # failed trials after the ranked ones
    }

    It 'stops its trials with it on Ctrl+C (Stop), marks them Stopped, and resumes them when run again' -Skip:$IsWindows {
        $path = Join-Path $folder 'stopped'
        $sweep = Start-SweepInRunspace $path @{ LearningRate = 0.001 } -Epochs 3 -Seed 6
        try {
            Wait-Until { (Test-Path "$path/trials/001/epochs.csv") -and @(Get-Content "$path/trials/001/epochs.csv").Count -ge 2 } 180
            $sweep.PowerShell.Stop()
            { $sweep.PowerShell.EndInvoke($sweep.Result) } | Should -Throw
        }
        finally { $sweep.PowerShell.Dispose() }
        Get-TrialProcess $path | Should -BeNullOrEmpty
        (Get-MnistSweep -Path $path).Status | Should -Be 'Stopped'
        $row = $data | Invoke-MnistSweep -Parameter @{ LearningRate = 0.001 } -Epochs 3 -Seed 6 -Path $path -WhatIf
        $row | Should -BeNullOrEmpty   # -WhatIf runs nothing
        $row = Import-MnistData -TrainCount 2000 -TestCount 100 | Invoke-MnistSweep -Parameter @{ LearningRate = 0.001 } -Epochs 3 -Seed 6 -Path $path
        $row.Status | Should -Be 'Succeeded'
        $row.Attempts | Should -Be 2
        $row.Epochs | Should -Be 3
    }

    It 'resumes a killed sweep: its unfinished trial reads as stopped, finished trials are skipped, the unfinished one resumes, and the results are those of an unbroken sweep' -Skip:$IsWindows {
        $parameters = "-Parameter @{ LearningRate = 0.001, 0.003 } -Epochs 3 -Seed 5 -ThreadCount 1"
        $unbroken = @($data | Invoke-MnistSweep -Parameter @{ LearningRate = 0.001, 0.003 } -Epochs 3 -Seed 5 -ThreadCount 1 -Path (Join-Path $folder 'unbroken'))

        $path = Join-Path $folder 'resumed'
        $process = Start-SweepProcess $path $parameters
        # Kill the sweep once trial 2 has finished an epoch (trial 1 is done by then).
        Wait-Until { (Test-Path "$path/trials/002/epochs.csv") -and @(Get-Content "$path/trials/002/epochs.csv").Count -ge 2 } 180
        Stop-Process -Id $process.Id -Force   # SIGKILL: the sweep gets no chance to clean up
        $process.WaitForExit()
        Wait-Until { -not (Get-TrialProcess $path) } 30   # its trials end with it
        $firstResult = (Get-Item "$path/trials/001/result.json").LastWriteTimeUtc
        # The killed sweep left trial 2 marked Running; with the sweep gone it reads as stopped.
        $left = Get-MnistSweep -Path $path | Where-Object Trial -eq 2
        $left.Status | Should -Be 'Stopped'
        $left.Reason | Should -BeLike '*sweep ended while it ran*'

        $rows = @($data | Invoke-MnistSweep -Parameter @{ LearningRate = 0.001, 0.003 } -Epochs 3 -Seed 5 -ThreadCount 1 -Path $path)
        (Get-Item "$path/trials/001/result.json").LastWriteTimeUtc | Should -Be $firstResult
        ($rows | Where-Object Trial -eq 1).Attempts | Should -Be 1
        ($rows | Where-Object Trial -eq 2).Attempts | Should -Be 2
        (Import-Csv "$path/trials/002/epochs.csv").Count | Should -Be 3
        ($rows | ForEach-Object { "$($_.Trial) $($_.Score) $($_.ValLoss)" }) | Should -Be ($unbroken | ForEach-Object { "$($_.Trial) $($_.Score) $($_.ValLoss)" })
    }

    It 'starts no trial once -TimeBudget is spent, and runs the rest when run again (sweeping -Layers lists)' {
        $path = Join-Path $folder 'budget'
        $layers = @{ Layers = @('Dense(32, activation=relu)', 'Dense(10, activation=softmax)'), @('Dense(10, activation=softmax)') }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $rows = @($data | Invoke-MnistSweep -Parameter $layers -Epochs 1 -Seed 2 -TimeBudget '00:00:02' -Path $path -WarningVariable warnings -WarningAction SilentlyContinue)
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 90
        $pending = @($rows | Where-Object Status -eq 'Pending')
        $pending.Count | Should -BeGreaterOrEqual 1
        $pending[0].Reason | Should -BeLike '*budget*'
        "$warnings" | Should -BeLike '*budget*'
        $rows = @($data | Invoke-MnistSweep -Parameter $layers -Epochs 1 -Seed 2 -Path $path)
        $rows.Status | Should -Not -Contain 'Pending'
        $small = $rows | Where-Object { $_.Layers.Count -eq 1 }
        $large = $rows | Where-Object { $_.Layers.Count -eq 2 }
        (Import-MnistModel -Path $small.ModelPath).Layers.Count | Should -BeLessThan (Import-MnistModel -Path $large.ModelPath).Layers.Count
    }
}

Describe 'Invoke-MnistSweep -HostName (PowerShell SSH remoting to an sshd on 127.0.0.1)' {
    BeforeAll {
        $script:server = Start-LoopbackSshServer -ModuleFolder (Split-Path (Split-Path $ModuleManifest)) -Environment @{ MNIST_DATA_DIR = $env:MNIST_DATA_DIR; MNIST_RUNTIME_HOME = $env:MNIST_RUNTIME_HOME }
    }
    AfterAll { Stop-LoopbackSshServer $server }

    It 'runs trials on the remote machine and brings back their models; a machine it cannot reach fails its trial and leaves the sweep' {
        if (-not $server) { Set-ItResult -Skipped -Because "Debian's openssh-server (sshd) is not installed"; return }
        $path = Join-Path $folder 'remote'
        $rows = @($data | Invoke-MnistSweep -Parameter @{ LearningRate = 0.001, 0.002, 0.003 } -Epochs 1 -Seed 4 -Path $path `
                -HostName localhost, 'nowhere.invalid' -Port $server.Port -UserName $server.UserName -KeyFilePath $server.KeyFilePath -SSHOptions $server.Options `
                -WarningVariable warnings -WarningAction SilentlyContinue)
        $remote = @($rows | Where-Object Status -eq 'Succeeded')
        $remote.Count | Should -Be 2
        $remote.Host | Sort-Object -Unique | Should -Be 'localhost'
        $remote | ForEach-Object { (Import-MnistModel -Path $_.ModelPath).History.Count | Should -Be 1 }
        $remote[0].Score | Should -BeGreaterThan 0.4
        $failed = @($rows | Where-Object Status -eq 'Failed')
        $failed.Count | Should -Be 1
        $failed[0].Reason | Should -BeLike "*'nowhere.invalid' cannot be reached*"
        "$warnings" | Should -BeLike '*nowhere.invalid*out of the sweep*'
        # A slice of MNIST is a known dataset: the remote machine loaded it from its own cache, checked by identity.
        Get-Content "$path/trials/00$($remote[0].Trial)/output.log" -Raw | Should -BeLike '*from its cache*'
    }

    It 'sends the data with the trial when the machine does not have it' {
        if (-not $server) { Set-ItResult -Skipped -Because "Debian's openssh-server (sshd) is not installed"; return }
        $idx = Join-Path $folder 'own-idx'
        $data | Export-MnistData -Path $idx -Format Idx | Out-Null
        $own = Import-MnistData -Path $idx
        $own.KnownAs | Should -BeNullOrEmpty
        $path = Join-Path $folder 'remote-own'
        $row = $own | Invoke-MnistSweep -Parameter @{ LearningRate = 0.002 } -Epochs 1 -Seed 4 -Path $path `
            -HostName localhost -Port $server.Port -UserName $server.UserName -KeyFilePath $server.KeyFilePath -SSHOptions $server.Options
        $row.Status | Should -Be 'Succeeded'
        Get-Content "$path/trials/001/output.log" -Raw | Should -BeLike '*sending it*'
        (Import-MnistModel -Path $row.ModelPath).TrainingData.Name | Should -Be $own.Name
    }
}

