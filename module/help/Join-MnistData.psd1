@{
    Synopsis    = 'Joins datasets with the same class names and image shape into one, so a model trains on all of them.'
    Description = @'
Join-MnistData makes one dataset of several: its Train split is the parts' Train splits one after the other, its
Test split their Test splits. The datasets come from the pipeline first, then from -Dataset, in that order. They
must have the same image shape and the same class names in the same order; otherwise the error DataJoinMismatch
names both datasets and what differs.

The joined dataset's identity names its parts (the Parts property: each part's name, checksums and split sizes;
a joined dataset joined again counts as its own parts). A model trained on it remembers that identity, saves it
with Export-MnistModel and finds the data again in the session, so Test-MnistModel without -Data scores on the
joined test split. Test-MnistModel -Data $part scores on one part's test split: any data with the model's classes
and image shape is accepted.

Training holds out validation images from every part: Invoke-MnistTraining -ValidationSplit 0.1 keeps the last
tenth of each part's training images for validation and trains on the rest of every part. (Keras' validation_split
takes the last tenth of the whole, so a small dataset joined after MNIST would only be validated on, never trained
on.) A dataset that was not joined is one part, and trains exactly as before.
'@
    Parameters  = @{
        InputObject = 'A dataset from the pipeline (Import-MnistData). Piped datasets come before those of -Dataset.'
        Dataset     = 'The datasets to join (after the piped ones), for example -Dataset $mnist, $mine. At least two datasets in all.'
        Name        = 'The joined dataset''s name. By default the parts'' names joined with +, for example mnist+my-digits.'
    }
    Inputs      = @('Mnist.Core.Data.MnistDataset: the datasets to join.')
    Outputs     = @('Mnist.Core.Data.MnistDataset: the joined dataset, with Parts naming what it was made of.')
    Examples    = @(
        @{ Code = @'
$mnist = Import-MnistData -TrainCount 1000 -TestCount 200
$bigger = Import-MnistData -TrainCount 2000 -TestCount 300 | Join-MnistData -Dataset $mnist -Name 'bigger'
$bigger | Format-List Name, Parts
'@; Remarks = 'Joins two slices of MNIST into a dataset named "bigger" and lists its parts.' }
        @{ Code = @'
$mnist = Import-MnistData -TrainCount 2000 -TestCount 300
Import-MnistData -TrainCount 500 -TestCount 200 | Export-MnistData ./more-digits -Format Idx | Out-Null
$more = Import-MnistData -Path ./more-digits
$model = $mnist | Join-MnistData -Dataset $more | Invoke-MnistTraining -Epochs 1 -Quiet
$model | Test-MnistModel -Data $more
'@; Remarks = 'Joins MNIST with a second dataset (here a slice of MNIST written as IDX files to ./more-digits and read back stands in for your own), trains on both (validation images are held out from both), then scores the model on the second dataset''s test split alone.' }
        @{ Code = @'
$mine = Import-MnistData -Path ./my-digits
$model = Import-MnistData | Join-MnistData -Dataset $mine | Invoke-MnistTraining -Epochs 5
$model | Test-MnistModel -Data $mine
'@; Remarks = 'Trains on MNIST and your own digits (./my-digits) together, then scores on your test pictures.'; NotRunByTests = 'needs a folder of your own digits' }
    )
}
