@{
    Synopsis    = 'Keras evaluate(): loss and accuracy on a split, with a confusion matrix and per-class precision, recall and F1.'
    Description = @'
Test-MnistModel scores a model on a split: categorical cross-entropy loss, accuracy, the number of errors, a
10x10 confusion matrix (rows are true classes, columns predictions) and precision, recall, F1 and support for each
class. Without -Data it uses the test split of the dataset the model was trained on. The evaluation is also kept
on the model as LastEvaluation.

-MinimumAccuracy turns it into a gate for scripts: below the minimum it still outputs the evaluation, then writes
the error AccuracyBelowMinimum (terminating with -ErrorAction Stop, so a nightly script can exit non-zero).
'@
    Parameters  = @{
        Model           = 'The model to evaluate. Takes the model from the pipeline.'
        Data            = 'A dataset from Import-MnistData (its Test split unless -Split says otherwise) or a single split. Defaults to the dataset the model was trained on.'
        Split           = 'Which split of the dataset to use: Train or Test. Defaults to Test.'
        MinimumAccuracy = 'An accuracy from 0 to 1. When the model scores below it, the error AccuracyBelowMinimum is written after the evaluation.'
    }
    Inputs      = @('Mnist.Core.Modeling.MnistModel: the model to evaluate.')
    Outputs     = @('Mnist.Core.Evaluation.MnistEvaluation: Loss, Accuracy, Count, Errors, ConfusionMatrix and PerClass.')
    Examples    = @(
        @{ Code = 'Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet | Test-MnistModel | Format-List'; Remarks = 'Trains a model on a small slice and shows its accuracy, loss, confusion matrix and per-class table on that slice''s 500 test images.' }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Test-MnistModel -Data (Import-MnistData -Split Test) -MinimumAccuracy 0.8 -ErrorAction Stop
'@; Remarks = 'Evaluates on the full test split and stops the script with the error AccuracyBelowMinimum if accuracy is under 0.8.' }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
($model | Test-MnistModel -Split Train).PerClass | Format-Table
'@; Remarks = 'Evaluates on the training split and shows precision, recall and F1 per class.' }
    )
}
