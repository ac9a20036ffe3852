@{
    Synopsis    = 'Runs a hyperparameter search: one training per combination of the values given, or per random draw, each in a process of its own, here or on other machines over SSH remoting; resumable from its folder.'
    Description = 'Each trial is New-MnistModel and Invoke-MnistTraining with the trial''s values of the parameters in -Parameter (a grid of every combination, or -Count random draws, where ranges such as @{ Min = 1e-4; Max = 1e-2; Log = $true } can be drawn from), the same -Seed, -Epochs and -ValidationSplit, on the piped data. Every trial runs in a PowerShell process of its own: a crash, an out-of-memory kill or a hang ends that trial only (its row says why) and the sweep goes on. -ThrottleLimit trials run at once on each machine, each with a share of the cores (-ThreadCount). With -HostName the trials run on those machines over PowerShell SSH remoting (each needs the Mnist module and its runtime); the data goes with a trial unless the machine has it in its cache (a known dataset, checked by identity), and the model and History come back. The folder (-Path) holds each trial''s settings, state, backup and result: the same command run again skips finished trials, resumes unfinished ones from their backups and reruns failed ones only with -RetryFailed; a lock keeps two sweeps out of one folder. Outputs one row per trial, best first by -Monitor at its best epoch; the best model is written to the folder as best.model, and -PassThru outputs it instead of the rows. Export-MnistChart draws the rows. Array parameters (-HiddenUnits, -Layers, -Betas, -Dropout) take one list as one value: to sweep them, give a list of lists, such as HiddenUnits = @(256), @(512, 256).'
    Parameters  = @{
        LiteralPath     = 'The sweep''s folder, taken exactly as written: no character is a wildcard.'
        Parameter       = 'The values to try, by parameter of New-MnistModel or Invoke-MnistTraining: a list (each value is tried), one value (every trial gets it) or a range @{ Min; Max; Log } (drawn from; needs -Count). A plain hashtable''s parameters vary in name order; [ordered]@{ } keeps yours (the last varies fastest). Values are checked as the cmdlets check them before any trial starts.'
        Data            = 'A dataset from Import-MnistData or Join-MnistData (piped or given): the trials train on its Train split, -ValidationSplit held out for the monitored figures.'
        Path            = 'The sweep''s folder (created if missing): sweep.json, the data, and trials/NNN with each trial''s trial.json, state.json, output.log, epochs.csv, backup, model.model and result.json. Run the same command again to resume.'
        Count           = 'Draw this many different trials at random (the same ones for the same -Seed) instead of the whole grid.'
        Epochs          = 'Epochs per trial (5 unless given; Epochs in -Parameter sweeps it).'
        ValidationSplit = 'The part of the training data each trial holds out to be scored on (0.1, the notebook''s).'
        Seed            = 'Every trial''s seed and the random draws''. By default a random one, kept in the folder so that a rerun without -Seed resumes the same sweep.'
        Monitor         = 'What ranks the trials, at each trial''s best epoch: val_accuracy (the default), val_loss, accuracy or loss. The val_ figures also drive -Patience and ReduceLROnPlateau when those are swept.'
        ThrottleLimit   = 'Trials at once on each machine (1 unless given).'
        ThreadCount     = 'Threads per trial; by default the machine''s cores divided by -ThrottleLimit (on another machine, its own cores). A resumed trial keeps the threads it started with.'
        MaxDuration     = 'Per trial: its training ends by then with the epochs it completed; a trial still running a minute later is stopped and marked failed.'
        TimeBudget      = 'For the whole sweep: no trial starts once it is spent and running trials end by then; the unstarted ones run when the sweep is run again.'
        RetryFailed     = 'Run the trials that failed before again, from their backups where they have one.'
        PassThru        = 'Output the best model instead of the rows (it is written to the folder as best.model either way).'
        HostName        = 'Run the trials on these machines over PowerShell SSH remoting instead of here, -ThrottleLimit at once on each. ''user@host:port'' works as it does for Invoke-Command -HostName. A machine that cannot be reached, or lacks the module, fails the trials it took with the reason and leaves the sweep; the rest go on elsewhere.'
        UserName        = 'The user to log in as on every machine of -HostName.'
        KeyFilePath     = 'The SSH private key for every machine of -HostName.'
        Port            = 'The SSH port of every machine of -HostName.'
        SSHOptions      = 'SSH options for every machine of -HostName, as Invoke-Command -Options takes them, such as @{ StrictHostKeyChecking = ''yes'' }.'
    }
    Inputs      = @('Mnist.Core.Data.MnistDataset: the data to train each trial on.')
    Outputs     = @('Mnist.Core.Sweeps.SweepTrial: one row per trial, best first (Rank, Trial, Status, Score, BestEpoch, the figures of the best epoch, Seconds, Host, Reason, ModelPath, and each swept parameter as a property of its own).', 'Mnist.Core.Modeling.MnistModel: with -PassThru, the best trial''s model.')
    Examples    = @(
        @{ Code = @'
$data = Import-MnistData -TrainCount 1000 -TestCount 100
$rows = $data | Invoke-MnistSweep -Parameter @{ LearningRate = 0.0005, 0.002; HiddenUnits = @(32), @(64) } -Epochs 1 -Seed 1 -Path (Join-Path ([IO.Path]::GetTempPath()) "sweep-$(Get-Random)")
$rows | Format-Table Rank, LearningRate, HiddenUnits, Score, Status
'@; Remarks = 'A grid of four trials, one at a time, each in its own process; the rows come back best first by val_accuracy.' }
        @{ Code = @'
Import-MnistData | Invoke-MnistSweep -Parameter @{ LearningRate = @{ Min = 1e-4; Max = 1e-2; Log = $true }; Architecture = 'Mlp', 'FastCnn' } -Count 8 -Path ./sweep -ThrottleLimit 2 -TimeBudget '01:00:00'
'@; Remarks = 'A random search of eight trials, two at a time with one core each, ending within an hour. Run the same command after a crash or Ctrl+C: finished trials are skipped and unfinished ones resume.'; NotRunByTests = 'it trains eight models on the whole of MNIST; Sweep.Tests.ps1 runs grids and random draws on a slice' }
        @{ Code = @'
$best = Import-MnistData | Invoke-MnistSweep -Parameter @{ BatchSize = 64, 128 } -Path ./sweep -HostName gpu1, gpu2 -UserName me -KeyFilePath ~/.ssh/id_ed25519 -PassThru
$best | Test-MnistModel
'@; Remarks = 'Runs the trials on two other machines over SSH remoting (each has the module and runs PowerShell as an SSH subsystem), then scores the best model here.'; NotRunByTests = 'it needs other machines; Sweep.Tests.ps1 runs trials over SSH to an sshd on 127.0.0.1' }
    )
}
