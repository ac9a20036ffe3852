@{
    Synopsis    = 'Writes a chart to a PNG or SVG file: a grid of images, a training history, a confusion matrix, or the trials of a sweep.'
    Description = 'Export-MnistChart draws what comes down the pipeline into one image file, PNG or SVG by the extension of -Path. Samples and predictions make a grid of images with a title over each (the label, or "Predicted 7, Class 7", green when right and red when wrong). A trained model makes its training history: accuracy and loss per epoch, training against validation, side by side. An evaluation from Test-MnistModel makes its confusion matrix as a heatmap with the count in each cell (a model gives its last evaluation with -Kind ConfusionMatrix). The rows of Invoke-MnistSweep or Get-MnistSweep make a bar per trial of the monitored figure at its best epoch, labelled by its settings, best on top. The file is written to a temporary file beside the target and moved into place, so a failure leaves nothing half-written. An existing file is kept unless -Force is given (error FileExists); -WhatIf and -Confirm are supported. Text needs a font on the machine: without any, the command stops with NoFonts rather than write a chart without its titles.'
    Parameters  = @{
        Path        = 'The file to write, ending in .png or .svg (else UnsupportedChartFormat). Relative to the current location; its folder must exist (else FolderNotFound). A path with wildcards must match exactly one existing file (else PathWildcardNotUnique); use -LiteralPath for a new name with [ ] * or ?.'
        LiteralPath = 'The file to write, taken exactly as written: no wildcard expansion (for names holding [ ] * or ?). Otherwise as -Path.'
        InputObject = 'What to draw, usually from the pipeline: samples or predictions (a grid), one model (its history), one evaluation (its confusion matrix), or the rows of a sweep.'
        Kind        = 'ImageGrid, History, ConfusionMatrix or Sweep. Default: decided by the input (samples and predictions: ImageGrid; a model: History; an evaluation: ConfusionMatrix; sweep rows: Sweep). Use ConfusionMatrix with a model to draw its last evaluation.'
        Columns     = 'Images per row in a grid, 1 to 100. Default 3.'
        Width       = 'The width of the image in pixels, 100 to 8000. Defaults: 150 per grid column, 1000 for a history, 720 for a confusion matrix. A grid''s height follows from its width and its number of rows.'
        Height      = 'The height of the image in pixels, 100 to 8000, for a history (default 420) or a confusion matrix (default 660).'
        Force       = 'Overwrites an existing file.'
        PassThru    = 'Emits the written file as a FileInfo.'
        WhatIf      = 'Shows which chart would be written where, and writes nothing.'
        Confirm     = 'Asks before writing the file.'
    }
    Defaults    = @{ Kind = 'Decided by the input: ImageGrid, History, ConfusionMatrix or Sweep'; Columns = '3'; Width = 'By the chart: 150 per grid column, 1000 for a history or a sweep, 720 for a confusion matrix'; Height = 'By the chart: a grid''s follows from its width and rows, 420 for a history, 660 for a confusion matrix, 34 per trial of a sweep (300 at least)' }
    Inputs      = @(
        'Mnist.Core.Data.MnistSample: images for a grid.'
        'Mnist.Core.Evaluation.MnistPrediction: predictions for a grid, titled with the predicted and the true class.'
        'Mnist.Core.Modeling.MnistModel: a trained model, for its history (or its last evaluation with -Kind ConfusionMatrix).'
        'Mnist.Core.Evaluation.MnistEvaluation: an evaluation from Test-MnistModel, for its confusion matrix.'
        'Mnist.Core.Sweeps.SweepTrial: the rows of a sweep (Invoke-MnistSweep, Get-MnistSweep), for a bar per trial.'
    )
    Outputs     = @('None by default; System.IO.FileInfo with -PassThru.')
    Examples    = @(
        @{ Code = 'Import-MnistData | Get-MnistSample -Index 0..8 | Export-MnistChart ./samples.png'; Remarks = 'Writes the notebook''s 3x3 grid of training images with their labels to samples.png.' }
        @{ Code = '$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 3 -Quiet; $model | Export-MnistChart ./history.svg -Force; $model | Test-MnistModel | Export-MnistChart ./confusion.png -Force'; Remarks = 'Trains a small model, then writes its accuracy and loss curves as SVG and its confusion matrix on the test images as PNG, replacing earlier files.' }
        @{ Code = '$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 2 -Quiet; $model | Get-MnistPrediction -Index (0..99) | Where-Object IsCorrect -EQ $false | Export-MnistChart ./wrong.png -Columns 5 -Force -PassThru'; Remarks = 'Writes the wrongly predicted test images of a small model, five per row, each titled "Predicted p, Class c", and returns the file.' }
        @{ Code = 'Import-MnistData | Get-MnistSample -Random -Count 25 -Seed 3 | Export-MnistChart ./random.png -Columns 5 -WhatIf'; Remarks = 'Says what would be written (a grid of 25 images in 5 columns) and writes nothing.' }
    )
}
