@{
    Synopsis    = 'Keras to_categorical: turns labels into one-hot vectors, or marks a dataset''s labels as one-hot.'
    Description = @'
Given integers, ConvertTo-OneHot writes one float vector per label, with a 1 at the label's position and 0
elsewhere: 5 becomes 0 0 0 0 0 1 0 0 0 0. Each vector is a float array: the console lists its values one per
line, and -join ' ' shows it on one. A label outside 0 to Classes-1 is reported as a non-terminating error
(LabelOutOfRange) and the remaining labels are still converted.

Given a dataset or a split, it returns the same images with LabelEncoding set to OneHot, as the notebook does with
y_train = to_categorical(y_train). Training gives the same result either way (categorical cross-entropy); the
encoding is kept for fidelity and display.

When another loaded module exports a cmdlet of the same name, call this one as Mnist\ConvertTo-OneHot, or import
this module with -Prefix.
'@
    Parameters  = @{
        Label   = 'One or more class labels, 0 to Classes-1. Takes integers from the pipeline.'
        Dataset = 'A dataset from Import-MnistData; both of its splits become one-hot. Takes the dataset from the pipeline.'
        Split   = 'A single split (from Import-MnistData -Split); it becomes one-hot. Takes the split from the pipeline.'
        Classes = 'The length of each vector, 2 to 100000. Defaults to 10, the ten digits.'
    }
    Inputs      = @(
        'System.Int32[]: labels.'
        'Mnist.Core.Data.MnistDataset: a dataset whose labels become one-hot.'
        'Mnist.Core.Data.MnistSplit: a split whose labels become one-hot.'
    )
    Outputs     = @(
        'System.Single[]: one vector per label.'
        'Mnist.Core.Data.MnistDataset: the dataset with one-hot labels.'
        'Mnist.Core.Data.MnistSplit: the split with one-hot labels.'
    )
    Examples    = @(
        @{ Code = '(5 | ConvertTo-OneHot) -join '' '''; Remarks = 'Shows the vector 0 0 0 0 0 1 0 0 0 0 on one line: to_categorical(5, 10). Without -join the console lists the ten values one per line.' }
        @{ Code = '0, 1, 2 | ConvertTo-OneHot -Classes 3'; Remarks = 'Returns three vectors of length 3: 1 0 0, 0 1 0 and 0 0 1.' }
        @{ Code = 'Import-MnistData -TrainCount 1000 -TestCount 100 | ConvertTo-OneHot'; Remarks = 'Returns the dataset with both splits'' labels one-hot encoded; the images are shared, not copied.' }
        @{ Code = 'Mnist\ConvertTo-OneHot 7 -Classes 10'; Remarks = 'Calls this module''s cmdlet explicitly, even when another module exports a ConvertTo-OneHot too.' }
    )
}
