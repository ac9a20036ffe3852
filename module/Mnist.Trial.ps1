<#
    Runs one trial of Invoke-MnistSweep in a process of its own; the sweep starts it, one per trial. Not for direct use.
    Here, or with -HostName on another machine over PowerShell SSH remoting: then this process is the courier that
    sends the trial (and its data, unless that machine has it cached) and brings back the model and its result.
    Exit codes: 0 trained; 1 the trial failed (failure.txt says why); 3 the machine could not run trials at all.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $TrialPath,
    [string] $HostName,
    [string] $UserName,
    [string] $KeyFilePath,
    [int] $Port,
    [string] $SSHOptionsJson
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$failure = Join-Path $TrialPath 'failure.txt'

function Exit-Trial([int] $Code, [string] $Reason) {
    Set-Content -LiteralPath $failure -Value $Reason -Encoding utf8
    [Console]::Error.WriteLine($Reason)
    exit $Code
}

try {
    Import-Module (Join-Path $PSScriptRoot 'Mnist.psd1')
}
catch {
    Exit-Trial 3 "the Mnist module cannot be loaded in the trial's process: $($_.Exception.Message)"
}
[Mnist.Core.Sweeps.ParentWatch]::ExitWhenInputCloses()
$spec = [Mnist.Core.Sweeps.TrialSpec]::Read($TrialPath)
$specJson = $spec.ToJson()

# Trains the trial where it runs (this process, or the remote session) and saves model and result in $WorkPath.
# With neither a data file nor data bytes it looks for the data in that machine's cache, and says so if it is not there.
$train = {
    param([string] $SpecJson, [string] $DataPath, [byte[]] $DataBytes, [string] $WorkPath, [string] $HostLabel)
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'
    $spec = [Mnist.Core.Sweeps.TrialSpec]::FromJson($SpecJson)
    $data = if ($DataPath) { [Mnist.Core.Sweeps.SweepDataFile]::Read($DataPath) }
    elseif ($DataBytes) { [Mnist.Core.Sweeps.SweepDataFile]::FromBytes($DataBytes) }
    else { [Mnist.Core.Sweeps.IdentityJson]::LocateInCache($spec.DataIdentity, (Get-MnistEnvironment).DataCache) }
    if (-not $data) { return @{ NeedData = $true } }

    $modelParameters = $spec.Model.ToJsonString() | ConvertFrom-Json -AsHashtable
    $trainingParameters = $spec.Training.ToJsonString() | ConvertFrom-Json -AsHashtable
    $threads = if ($spec.ThreadCount) { $spec.ThreadCount } else { [Math]::Max(1, [Math]::Floor([Environment]::ProcessorCount / $spec.TrialsAtOnce)) }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $model = New-MnistModel @modelParameters
    $backup = Join-Path $WorkPath 'backup'
    # A trial killed after logging an epoch but before backing it up starts afresh: its log starts afresh with it.
    $afresh = -not [Mnist.Core.Training.Backup.TrainingBackup]::Exists($backup)
    $trained = Invoke-MnistTraining -Data $data -Model $model @trainingParameters -ThreadCount $threads -Quiet `
        -BackupPath $backup -LogPath (Join-Path $WorkPath 'epochs.csv') -Force:$afresh -WarningAction SilentlyContinue
    [Mnist.Core.Sweeps.TrialOutcome]::Save($WorkPath, $trained, $spec.Monitor, $clock.Elapsed.TotalSeconds, $HostLabel)
    $trained.Dispose()
    if ($DataPath) { return @{ Done = $true } }
    @{
        Model  = [IO.File]::ReadAllBytes((Join-Path $WorkPath ([Mnist.Core.Sweeps.TrialOutcome]::ModelFileName)))
        Result = [IO.File]::ReadAllText((Join-Path $WorkPath ([Mnist.Core.Sweeps.TrialOutcome]::FileName)))
    }
}

if (-not $HostName) {
    try {
        $null = & $train $specJson $spec.DataPath($TrialPath) $null $TrialPath 'localhost'
    }
    catch {
        Exit-Trial 1 $_.Exception.Message
    }
    exit 0
}

$sessionParameters = @{ HostName = $HostName; ErrorAction = 'Stop' }
if ($UserName) { $sessionParameters.UserName = $UserName }
if ($KeyFilePath) { $sessionParameters.KeyFilePath = $KeyFilePath }
if ($Port) { $sessionParameters.Port = $Port }
if ($SSHOptionsJson) { $sessionParameters.Options = $SSHOptionsJson | ConvertFrom-Json -AsHashtable }
try {
    $session = New-PSSession @sessionParameters
}
catch {
    Exit-Trial 3 "'$HostName' cannot be reached over SSH remoting: $($_.Exception.Message)"
}
try {
    $ready = Invoke-Command -Session $session -ScriptBlock {
        try { Import-Module Mnist -ErrorAction Stop; $true } catch { "$($_.Exception.Message)" }
    }
    if ($ready -ne $true) { Exit-Trial 3 "'$HostName' has no Mnist module that loads (install it there with Install-PSResource Mnist, then Install-MnistRuntime): $ready" }
    # The trial's folder there is named by the sweep and the trial, so a rerun on the same machine resumes its backup.
    $work = Invoke-Command -Session $session -ScriptBlock {
        param($Name)
        (New-Item -ItemType Directory -Force -Path (Join-Path ([IO.Path]::GetTempPath()) $Name)).FullName
    } -ArgumentList "mnist-sweep-$($spec.SweepId)-$($spec.Number)"
    try {
        $returned = Invoke-Command -Session $session -ScriptBlock $train -ArgumentList $specJson, $null, $null, $work, $HostName
        if ($returned.NeedData) {
            $bytes = [IO.File]::ReadAllBytes($spec.DataPath($TrialPath))
            Write-Host ("The data is not in the cache of '{0}': sending it ({1:N1} MB)." -f $HostName, ($bytes.Length / 1MB))
            $returned = Invoke-Command -Session $session -ScriptBlock $train -ArgumentList $specJson, $null, $bytes, $work, $HostName
        }
        else {
            Write-Host "'$HostName' loaded the data from its cache (a known dataset, checked by identity)."
        }
    }
    catch {
        Exit-Trial 1 "on '$HostName': $($_.Exception.Message)"
    }
    [Mnist.Core.Sweeps.TrialOutcome]::Receive($TrialPath, [byte[]] $returned.Model, [string] $returned.Result, $HostName)
    Invoke-Command -Session $session -ScriptBlock { param($Path) Remove-Item -LiteralPath $Path -Recurse -Force } -ArgumentList $work
}
finally {
    Remove-PSSession $session
}
exit 0
