@{
    Synopsis    = 'Gets images of a dataset or split, with their labels, by index, by label or at random.'
    Description = 'Get-MnistSample is the notebook''s x_train[i], y_train[i]: it picks images out of a dataset from Import-MnistData (or one of its splits) and emits one MnistSample for each, with its Split, Index, Label, class name and 784 Pixels (bytes, 0 = background, 255 = full ink). By default it reads the training split, like the notebook; -Split Test reads the test split. With -Index it gives the images at those positions (ranges such as 0..8 work as typed); with -Label, the first -Count images of each of those classes; with -Random, -Count images drawn at random (repeatably with -Seed); with -Count alone, the first -Count images. An index outside the split is a terminating error (IndexOutOfRange). Pipe the samples to Show-MnistImage to see them in the terminal, or to Export-MnistChart to write a PNG or SVG grid.'
    Parameters  = @{
        Data   = 'The dataset (from Import-MnistData) or one split (Import-MnistData -Split, or $data.Test) to take images from. Usually comes from the pipeline.'
        Split  = 'Train (the default) or Test: which split of a dataset to read. Given a split directly, it must name that split (else SplitMismatch). Also taken by property name from piped objects.'
        Index  = 'The positions of the images, 0 to Count-1 of the split: numbers, arrays, or ranges typed as 0..8 (also "0..8,12"). Default 0, the first image. Also taken by property name from piped objects, such as predictions.'
        Label  = 'Only images of these classes (0-9 for MNIST), the first -Count of each in split order, or -Count drawn at random with -Random. A class the split does not have is an error (LabelOutOfRange).'
        Random = 'Draws distinct images at random instead of taking the first ones; with -Label, at random among that class.'
        Count  = 'How many images: per label with -Label, else in all. At least 1, at most the size of the split (else CountTooLarge). Default 1.'
        Seed   = 'Makes -Random repeatable: the same seed draws the same images. Only with -Random (else SeedWithoutRandom).'
    }
    Inputs      = @(
        'Mnist.Core.Data.MnistDataset: a dataset from Import-MnistData, bound to -Data.'
        'Mnist.Core.Data.MnistSplit: one split, bound to -Data.'
        'Objects with Index (and Split) properties, such as predictions, when -Data is given.'
    )
    Outputs     = @('Mnist.Core.Data.MnistSample: one image with its Split, Index, Label, ClassName, Rows, Columns and Pixels.')
    Examples    = @(
        @{ Code = 'Import-MnistData | Get-MnistSample -Index 0..8 | Show-MnistImage'; Remarks = 'Shows the first nine training images with their labels in a 3x3 grid, like the notebook.' }
        @{ Code = '(Import-MnistData | Get-MnistSample).Pixels'; Remarks = 'The raw 784 pixel values of the first training image, a 5.' }
        @{ Code = 'Import-MnistData | Get-MnistSample -Split Test -Label 3 -Random -Count 6 -Seed 1 | Show-MnistImage -Ascii'; Remarks = 'Six threes drawn at random from the test split, the same six each time, drawn with plain characters.' }
    )
}
