# Stopping long work from another thread, as Ctrl+C or a scheduler's timeout does.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest

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

Describe 'The model back after Stop() without -Model' {
    BeforeAll {
        # A host that keeps the warnings it is asked to show, as a console shows them after Ctrl+C.
        if (-not ('MnistTests.RecordingHost' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
namespace MnistTests {
public sealed class RecordingUI : PSHostUserInterface {
    public readonly List<string> Warnings = new List<string>();
    public override PSHostRawUserInterface RawUI => null;
    public override string ReadLine() => "";
    public override System.Security.SecureString ReadLineAsSecureString() => null;
    public override void Write(string value) { }
    public override void Write(ConsoleColor f, ConsoleColor b, string value) { }
    public override void WriteLine(string value) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { lock (Warnings) Warnings.Add(message); }
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => null;
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => null;
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => null;
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => defaultChoice;
}
public sealed class RecordingHost : PSHost {
    public readonly RecordingUI Recorder = new RecordingUI();
    private readonly Guid _id = Guid.NewGuid();
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId => _id;
    public override string Name => "RecordingHost";
    public override PSHostUserInterface UI => Recorder;
    public override Version Version => new Version(1, 0);
    public override void EnterNestedPrompt() { }
    public override void ExitNestedPrompt() { }
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}}
'@
        }
        $script:recordingHost = [MnistTests.RecordingHost]::new()
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($ModuleManifest)
        $script:runspace3 = [runspacefactory]::CreateRunspace($recordingHost, $state)
        $runspace3.Open()
        $runspace3.SessionStateProxy.SetVariable('data', (Import-MnistData -TrainCount 6000 -TestCount 200))
        $script:shell3 = [powershell]::Create($runspace3)
        # As a new user types it: no model made beforehand, the result assigned, and Ctrl+C (Stop()) during epoch 3.
        [void]$shell3.AddScript('$model = $data | Invoke-MnistTraining -Epochs 1000 -BatchSize 50 -Seed 21 -ThreadCount 1 -Quiet')
        $script:invocation3 = $shell3.BeginInvoke()
        Wait-Until { $shell3.Streams.Progress | Where-Object { $_.Activity -eq 'Epoch 3' -and $_.PercentComplete -ge 20 } }
        $shell3.Stop()
        $shell3.Commands.Clear()
        [void]$shell3.AddScript(@'
$stopped = Get-MnistStoppedModel
$unbroken = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 21) -Epochs 2 -BatchSize 50 -ThreadCount 1 -Quiet
$a = $stopped | Get-MnistPrediction -Data $data -Index (0..199)
$b = $unbroken | Get-MnistPrediction -Data $data -Index (0..199)
$same = $true
for ($i = 0; $i -lt 200; $i++) { if (-not [Linq.Enumerable]::SequenceEqual([double[]]$a[$i].Probabilities, [double[]]$b[$i].Probabilities)) { $same = $false } }
[pscustomobject]@{ Assigned = $null -eq $model; Epochs = $stopped.EpochsTrained; Same = $same; Cleared = $null -ne (Get-MnistStoppedModel -Clear) -and $null -eq (Get-MnistStoppedModel) }
'@)
        $script:after3 = $shell3.Invoke()
    }

    AfterAll {
        $shell3.Dispose()
        $runspace3.Dispose()
    }

    It 'warns on the host, naming the command that gets the model back' {
        $recordingHost.Recorder.Warnings | Should -HaveCount 1
        $recordingHost.Recorder.Warnings[0] | Should -Match 'the model is as after epoch 2'
        $recordingHost.Recorder.Warnings[0] | Should -Match ([regex]::Escape('$model = Get-MnistStoppedModel'))
    }

    It 'gives the model back with Get-MnistStoppedModel, as after its last completed epoch' {
        $after3.Assigned | Should -BeTrue
        $after3.Epochs | Should -Be 2
        $after3.Same | Should -BeTrue
    }

    It 'forgets it with -Clear' {
        $after3.Cleared | Should -BeTrue
    }
}

Describe 'The model back after a failing -OnEpochEnd' {
    It 'puts the model in the error record (TargetObject), as after the epoch that completed' {
        $data = Import-MnistData -TrainCount 1000 -TestCount 100
        $err = $null
        try {
            $data | Invoke-MnistTraining -Epochs 3 -Seed 2 -ThreadCount 1 -Quiet -WarningVariable warnings -WarningAction SilentlyContinue -OnEpochEnd {
                if ($_.Epoch -eq 2) { throw 'boom' } }
        } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'OnEpochEndFailed,*'
        $err.TargetObject | Should -BeOfType ([Mnist.Core.Modeling.MnistModel])
        $err.TargetObject.EpochsTrained | Should -Be 2
        $err.TargetObject.History.Epoch | Should -Be @(1, 2)
        (Get-MnistStoppedModel) | Should -Be $err.TargetObject
        $warnings[0] | Should -Match ([regex]::Escape('$Error[0].TargetObject'))
        # The model is usable: it predicts, and it learned something in two epochs.
        ($err.TargetObject | Test-MnistModel).Accuracy | Should -BeGreaterThan 0.5
    }
}
