@{
    Synopsis    = 'Draws samples and predictions in the terminal, side by side, with a title under each.'
    Description = 'Show-MnistImage draws the images of samples (Get-MnistSample) and predictions (Get-MnistPrediction) as text, several side by side (3 per row by default, fewer when the terminal window is narrower) with a title under each: the label of a sample, or "Predicted 3, Class 5" for a prediction. It collects all its input first and then emits the drawing as lines of text, so the output can be captured, saved or tested. By default it uses Unicode upper half blocks with 24-bit grey colours, two pixel rows per line, which keeps the picture square; it falls back to plain characters (the ramp " .:-=+*#%@", one per pixel) when -Ascii is given, when the NO_COLOR environment variable is set, or when the host cannot show escape sequences. -Color forces the half blocks, and -Numbers prints the pixel values themselves, like printing x_train[0] in the notebook. In colour, the titles of right predictions are green and those of wrong ones red. Input that is neither a sample nor a prediction is reported as a non-terminating error (NotAnImage) and the rest is drawn.'
    Parameters  = @{
        InputObject = 'The samples or predictions to draw, usually from the pipeline.'
        Columns     = 'How many images per row, 1 to 100. Default: 3, or as many as fit the terminal window when fewer do.'
        Ascii       = 'Draws with plain characters, one per pixel, blank where a pixel has (almost) no ink. For terminals without colour, logs and files.'
        Color       = 'Draws with grey half blocks and 24-bit ANSI colours even when NO_COLOR is set or the host does not report colour support.'
        Numbers     = 'Prints each pixel''s value, 0-255, 28 numbers per row.'
    }
    Defaults    = @{ Columns = '3, or as many as fit the window when fewer do' }
    Inputs      = @(
        'Mnist.Core.Data.MnistSample: an image from Get-MnistSample.'
        'Mnist.Core.Evaluation.MnistPrediction: a prediction from Get-MnistPrediction, with the pixels it was made from.'
    )
    Outputs     = @('System.String: the lines of the drawing, top to bottom; a blank line between rows of images.')
    Examples    = @(
        @{ Code = 'Import-MnistData | Get-MnistSample -Index 0..8 | Show-MnistImage'; Remarks = 'The notebook''s 3x3 grid of the first training images with their labels.' }
        @{ Code = 'Import-MnistData | Get-MnistSample | Show-MnistImage -Numbers'; Remarks = 'The pixel values of the first training image, row by row.' }
        @{ Code = '$data = Import-MnistData -TrainCount 3000 -TestCount 500; $model = $data | Invoke-MnistTraining -Epochs 2 -Quiet; $model | Get-MnistPrediction -Index (0..99) | Where-Object IsCorrect -EQ $false | Show-MnistImage -Columns 4'; Remarks = 'Trains a small model and shows the test images it got wrong, four per row, each titled with what it predicted and the true class.' }
    )
}
