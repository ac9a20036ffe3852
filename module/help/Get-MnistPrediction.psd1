@{
    Synopsis    = 'Keras predict() and argmax: the predicted class of images, its confidence and all class probabilities.'
    Description = @'
Get-MnistPrediction runs a model on images and writes one MnistPrediction per image: Predicted (the class with the
highest probability), PredictedName, Confidence, the softmax Probabilities and, when the image comes from a split,
its true Label and IsCorrect, so that Where-Object picks out the mistakes.

Images come from a split by -Index (all of the split without it), by default the test split of the dataset the
model was trained on, or as raw pixel arrays with -Pixels (784 bytes each, 0 background to 255 ink).
'@
    Parameters  = @{
        Model  = 'The model that predicts. Takes the model from the pipeline.'
        Data   = 'A dataset from Import-MnistData or one of its splits. Defaults to the dataset the model was trained on.'
        Split  = 'Which split of the dataset: Train or Test. Defaults to Test.'
        Index  = 'Indices of images in the split, 0 to Count-1. Without it every image of the split is predicted. Takes integers from the pipeline, and an Index property by name (for example from earlier predictions).'
        Path   = 'Picture files of handwritten digits to classify: PNG or JPEG (BMP, GIF and WebP also work). Wildcards expand; a name that exists exactly as written (for example with brackets) is taken literally. Files piped from Get-ChildItem bind to -LiteralPath. Pictures are checked by their header first: more than 16 megapixels is refused (ImageTooLarge) before decoding. Each picture is prepared as MNIST''s digits were: made grayscale (transparency counts as white); the paper under the digit estimated and taken away (uneven light, grey paper), so the ink is bright on black whichever way round it was; specks, noise and shadows apart from the digit dropped; cropped to the ink; strokes far thinner or thicker than MNIST''s brought nearer its width; scaled to fit 20x20 keeping its aspect ratio, and centred in 28x28 on its centre of mass. The result''s File names the picture and Pixels holds the 28x28 image the model saw. A file that cannot be decoded (ImageUnreadable), is missing (ImageNotFound) or is blank (ImageBlank) gets a non-terminating error naming it, and the other files go on.'
        LiteralPath = 'Picture files taken exactly as written: no wildcard expansion. Files piped from Get-ChildItem bind here (PSPath, FullName). Otherwise as -Path.'
        Pixels = 'One or more raw images of 784 bytes each (28x28, row by row, 0 background to 255 ink). A single image may be given as a flat list (-Pixels $sample.Pixels), and an object with a Pixels property binds by name.'
        Sample = 'Samples from Get-MnistSample, usually from the pipeline. Each is predicted on its own pixels, whichever dataset it came from; Label and IsCorrect are filled only when the sample''s classes are the model''s (TrueClassName always names the sample''s own class).'
    }
    Inputs      = @(
        'Mnist.Core.Modeling.MnistModel: the model.'
        'System.Int32[]: indices of images in the split.'
        'System.Byte[][]: raw images, with -Pixels.'
        'System.IO.FileInfo, System.String: picture files (PNG, JPEG), with -Path.'
    )
    Outputs     = @('Mnist.Core.Evaluation.MnistPrediction: Index, Split, Predicted, PredictedName, Confidence, Probabilities, Label and IsCorrect.')
    Examples    = @(
        @{ Code = @'
$model = Import-MnistData | Invoke-MnistTraining -Epochs 5
Get-ChildItem ./my-digits/*.png | Get-MnistPrediction -Model $model | Format-Table File, Predicted, Confidence
'@; Remarks = 'Classifies your own pictures of digits (dark ink on light paper, any size): each is prepared the way MNIST''s digits were before it is predicted.'; NotRunByTests = $true }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Get-MnistPrediction -Index 0
'@; Remarks = 'Predicts the first test image (a 7 in MNIST), as the notebook does with predict(x_test[:1]).' }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Get-MnistPrediction | Where-Object { -not $_.IsCorrect } | Select-Object -First 9
'@; Remarks = 'Predicts every image of the test split and keeps the first nine mistakes.' }
        @{ Code = @'
$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
0..4 | Get-MnistPrediction -Model $model | Format-Table Index, Predicted, Label, Confidence
'@; Remarks = 'Predicts chosen indices given on the pipeline.' }
    )
}
