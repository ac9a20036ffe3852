# Invoke-MnistTraining -BackupPath: a training process killed with SIGKILL (kill -9) at several points, mid-epoch and
# right after an epoch ends, resumed by running the same command again, ends bitwise as an unbroken run.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest

    $script:folder = New-TestFolder
    # One training per child process, as a scheduler runs it: the same command every time, only the files differ.
    $script:childScript = Join-Path $folder 'train.ps1'
    Set-Content $childScript @'
param([string] $Manifest, [string] $Backup, [string] $Log, [string] $Out)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$data = Import-MnistData -TrainCount 10000 -TestCount 200
$model = $data | Invoke-MnistTraining -Epochs 5 -BatchSize 32 -Seed 11 -ThreadCount 1 -BackupPath $Backup -LogPath $Log -Force
$predictions = $model | Get-MnistPrediction -Data $data -Index (0..199)
$lines = @($predictions | ForEach-Object { ($_.Probabilities | ForEach-Object { $_.ToString('R') }) -join ' ' })
$lines += @($model.History | ForEach-Object { '{0} {1} {2} {3}' -f $_.Epoch, $_.Loss.ToString('R'), $_.ValLoss.ToString('R'), $_.LearningRate.ToString('R') })
Set-Content -Path $Out -Value $lines
'@

    function Start-Training([string] $Name) {
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in @("$PSHOME/pwsh.dll", '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $childScript,
                $ModuleManifest, (Join-Path $folder "$Name-backup"), (Join-Path $folder "$Name.csv"), (Join-Path $folder "$Name.out"))) {
            $start.ArgumentList.Add($argument)
        }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        [System.Diagnostics.Process]::Start($start)
    }

    function Get-LogRows([string] $Name) {
        $path = Join-Path $folder "$Name.csv"
        if (-not (Test-Path $path)) { return @() }
        @(Get-Content $path | Select-Object -Skip 1 | Where-Object { $_ })
    }

    # Waits until the log has $Rows rows, then waits $Fraction of an epoch more and kills the process with SIGKILL.
    function Stop-TrainingAt($Process, [string] $Name, [int] $Rows, [double] $Fraction) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        while ((Get-LogRows $Name).Count -lt $Rows) {
            if ($Process.HasExited) { throw "The training ended before epoch $Rows was logged: $($Process.StandardError.ReadToEnd())" }
            if ($clock.Elapsed.TotalSeconds -gt 180) { throw "Gave up waiting for epoch $Rows" }
            Start-Sleep -Milliseconds 10
        }
        $seconds = [double]((Get-LogRows $Name)[-1] -split ',')[6]
        if ($Fraction -gt 0) { Start-Sleep -Milliseconds ([int]($seconds * $Fraction * 1000)) }
        & kill -9 $Process.Id
        $Process.WaitForExit()
        [pscustomobject]@{ RowsWhenKilled = (Get-LogRows $Name).Count; ExitCode = $Process.ExitCode; EpochSeconds = $seconds }
    }

    # The unbroken run.
    $unbroken = Start-Training 'unbroken'
    $unbroken.WaitForExit()
    $script:unbrokenOut = Get-Content (Join-Path $folder 'unbroken.out')
    $script:unbrokenError = $unbroken.StandardError.ReadToEnd()

    # The same command, killed three times: a third into epoch 2, the instant epoch 3 is logged (its backup just
    # written), and part-way through epoch 5; then run once more to the end.
    $script:kills = @(
        Stop-TrainingAt (Start-Training 'killed') 'killed' 1 0.3
        Stop-TrainingAt (Start-Training 'killed') 'killed' 3 0
        Stop-TrainingAt (Start-Training 'killed') 'killed' 4 0.4
    )
    $last = Start-Training 'killed'
    $script:lastOutput = $last.StandardOutput.ReadToEnd()
    $last.WaitForExit()
    $script:lastError = $last.StandardError.ReadToEnd()
    $script:resumedOut = Get-Content (Join-Path $folder 'killed.out') -ErrorAction SilentlyContinue
}

AfterAll {
    Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
}

Describe 'Invoke-MnistTraining -BackupPath after kill -9' {
    It 'ran the unbroken training to the end' {
        $unbrokenError | Should -BeNullOrEmpty
        $unbrokenOut.Count | Should -Be 205
    }

    It 'killed each training mid-run, before it logged its next epoch' {
        $kills.Count | Should -Be 3
        $kills[0].RowsWhenKilled | Should -Be 1
        $kills[1].RowsWhenKilled | Should -Be 3
        $kills[2].RowsWhenKilled | Should -Be 4
        foreach ($kill in $kills) { $kill.ExitCode | Should -Not -Be 0 }
    }

    It 'resumed from the last completed epoch instead of starting again' {
        $lastError | Should -BeNullOrEmpty
        # The last process trained only what the killed ones had not finished: epoch 5 (the third kill came during it).
        $epochLines = @($lastOutput -split "`n" | Where-Object { $_ -match '^Epoch \d+:' })
        $epochLines.Count | Should -Be 1
        $epochLines[0] | Should -Match '^Epoch 5:'
    }

    It 'ends bitwise as the unbroken run: every probability, loss and learning rate' {
        $resumedOut.Count | Should -Be $unbrokenOut.Count
        for ($i = 0; $i -lt $unbrokenOut.Count; $i++) { $resumedOut[$i] | Should -BeExactly $unbrokenOut[$i] }
        # And learning happened: the last epoch's loss is well below the first's.
        [double]($unbrokenOut[-1] -split ' ')[1] | Should -BeLessThan ([double]($unbrokenOut[-5] -split ' ')[1])
    }

    It 'logged every epoch exactly once across the killed and resumed processes' {
        $rows = Get-LogRows 'killed'
        @($rows | ForEach-Object { [int]($_ -split ',')[0] }) | Should -Be @(1, 2, 3, 4, 5)
        (Get-Content (Join-Path $folder 'killed.csv'))[0] | Should -Be 'epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds'
        for ($i = 0; $i -lt 5; $i++) {
            (($rows[$i] -split ',')[1]) | Should -Be ((Get-LogRows 'unbroken')[$i] -split ',')[1]
        }
    }

    It 'clears the backup of the finished run' {
        Join-Path $folder 'killed-backup/training-backup.zip' | Should -Not -Exist
        Join-Path $folder 'unbroken-backup/training-backup.zip' | Should -Not -Exist
    }
}

Describe 'Invoke-MnistTraining -BackupPath refuses another run''s backup' {
    BeforeAll {
        $script:data = Import-MnistData -TrainCount 1000 -TestCount 100
        $script:backup = Join-Path $folder 'other-run'
        try {
            $data | Invoke-MnistTraining -Epochs 3 -Seed 3 -ThreadCount 1 -Quiet -BackupPath $backup -WarningAction SilentlyContinue -OnEpochEnd { if ($_.Epoch -eq 1) { throw 'stop here' } }
        } catch { $null = $_ }
    }

    It 'keeps the backup of a training that failed' {
        Join-Path $backup 'training-backup.zip' | Should -Exist
    }

    It 'names the setting that differs (<Setting>)' -TestCases @(
        @{ Setting = 'Epochs'; Arguments = @{ Epochs = 4; Seed = 3 } }
        @{ Setting = 'model.Seed'; Arguments = @{ Epochs = 3; Seed = 4 } }
        @{ Setting = 'BatchSize'; Arguments = @{ Epochs = 3; Seed = 3; BatchSize = 64 } }
    ) {
        param($Setting, $Arguments)
        $err = { $data | Invoke-MnistTraining @Arguments -ThreadCount 1 -Quiet -BackupPath $backup } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'BackupMismatch,*'
        $err.Exception.Message | Should -Match ([regex]::Escape("${Setting}: backup"))
    }

    It 'refuses a backup made for other data' {
        $other = Import-MnistData -TrainCount 1200 -TestCount 100
        $err = { $other | Invoke-MnistTraining -Epochs 3 -Seed 3 -ThreadCount 1 -Quiet -BackupPath $backup } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'BackupMismatch,*'
        $err.Exception.Message | Should -Match 'data: backup'
    }

    It 'refuses a damaged backup, naming the file' {
        $copy = Join-Path $folder 'damaged'
        New-Item -ItemType Directory $copy | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $copy 'training-backup.zip'), [byte[]](1..200))
        $err = { $data | Invoke-MnistTraining -Epochs 3 -Seed 3 -ThreadCount 1 -Quiet -BackupPath $copy } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'BackupCorrupt,*'
        $err.Exception.Message | Should -Match 'training-backup.zip'
    }

    It 'resumes it without -Seed, and the rerun ends the run' {
        $model = $data | Invoke-MnistTraining -Epochs 3 -ThreadCount 1 -Quiet -BackupPath $backup
        $model.EpochsTrained | Should -Be 3
        $model.Seed | Should -Be 3
        Join-Path $backup 'training-backup.zip' | Should -Not -Exist
    }
}
