@{
    Synopsis    = 'Gets the model of the last training in this session that did not finish (Ctrl+C, Stop(), an error), as after its last completed epoch.'
    Description = 'When Ctrl+C or a PowerShell.Stop() ends Invoke-MnistTraining, PowerShell lets no output through the stopped pipeline, so $model = ... | Invoke-MnistTraining leaves $model empty. The training keeps its model as after the last completed epoch (the unfinished epoch is undone), and the stop''s warning names this command: $model = Get-MnistStoppedModel gives it back. A failed training (a throwing -OnEpochEnd, a diverging loss) puts the model in the error record as well: $Error[0].TargetObject. Each runspace keeps its own last stopped model; a training that finishes does not change it. Nothing is returned when no training has stopped in this session.'
    Parameters  = @{
        Clear = 'Forgets the model after returning it, so that its memory can be freed and a later call returns only a newer stopped training.'
    }
    Inputs      = @('None.')
    Outputs     = @('Mnist.Core.Modeling.MnistModel: the model of the last training that stopped before it finished, as after its last completed epoch.')
    Examples    = @(
        @{ Code = @'
$model = Import-MnistData | Invoke-MnistTraining -Epochs 20   # Ctrl+C during epoch 3
$model = Get-MnistStoppedModel
'@; Remarks = 'Gets back the model after Ctrl+C: it holds epochs 1 and 2 (EpochsTrained 2), and training can continue with -Model $model.'; NotRunByTests = 'it needs a person to press Ctrl+C; Interruption.Tests.ps1 stops a training with Stop() and gets its model back' }
        @{ Code = @'
$data = Import-MnistData -TrainCount 1000 -TestCount 100
try { $data | Invoke-MnistTraining -Epochs 3 -Quiet -OnEpochEnd { if ($_.Epoch -eq 2) { throw 'boom' } } } catch { $model = $_.TargetObject }
$model.EpochsTrained
(Get-MnistStoppedModel) -eq $model
'@; Remarks = 'A failed training carries its model in the error record (TargetObject; $Error[0].TargetObject after the fact): here the model as after epoch 2. Get-MnistStoppedModel returns the same model (True).' }
        @{ Code = 'Get-MnistStoppedModel -Clear | Export-MnistModel -Path ./rescued.mnist'; Remarks = 'Saves the last stopped model of this session (if there is one) to a file, and forgets it.' }
    )
}
