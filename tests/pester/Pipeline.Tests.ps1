BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
}

Describe 'The notebook as a pipeline' {
    It 'trains and evaluates with Import-MnistData | Invoke-MnistTraining -Epochs 5 | Test-MnistModel' {
        $result = Import-MnistData | Invoke-MnistTraining -Epochs 5 | Test-MnistModel
        $result | Should -BeOfType ([Mnist.Core.Evaluation.MnistEvaluation])
        $result.Count | Should -Be 10000
        $result.Accuracy | Should -BeGreaterThan 0.97
        $result.ConfusionMatrix.Count | Should -Be 10
        $result.PerClass.Count | Should -Be 10
    }
}

Describe 'Import-MnistData' {
    It 'loads both splits of the cached MNIST as one dataset' {
        $data = Import-MnistData
        $data.Train.Count | Should -Be 60000
        $data.Test.Count | Should -Be 10000
        $data.Name | Should -Be 'mnist'
        $data.Checksums['train-images-idx3-ubyte'] | Should -Be 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'
    }

    It 'returns one split with -Split' {
        $split = Import-MnistData -Split Test
        $split | Should -BeOfType ([Mnist.Core.Data.MnistSplit])
        $split.Count | Should -Be 10000
    }

    It 'does not unroll a split into the pipeline' {
        @(Import-MnistData -Split Train).Count | Should -Be 1
    }

    It 'loads a folder of IDX files given by -Path and by the pipeline' {
        $folder = New-IdxFolder -Train 6 -Test 3
        (Import-MnistData -Path $folder).Train.Count | Should -Be 6
        (Get-Item $folder | Import-MnistData).Test.Count | Should -Be 3
    }

    It 'takes a slice with -TrainCount and -TestCount' {
        $data = Import-MnistData -TrainCount 1000 -TestCount 100
        $data.Train.Count | Should -Be 1000
        $data.Test.Count | Should -Be 100
    }

    It 'rejects a truncated image file with a clear error' {
        $folder = New-IdxFolder
        $file = "$folder/train-images-idx3-ubyte"
        $bytes = [System.IO.File]::ReadAllBytes($file)
        [System.IO.File]::WriteAllBytes($file, $bytes[0..($bytes.Length - 101)])
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IdxTruncated,*ImportMnistDataCommand'
        $err.Exception.Message | Should -BeLike "*train-images-idx3-ubyte*truncated*"
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'rejects a file with the wrong magic number' {
        $folder = New-IdxFolder
        Copy-Item "$folder/t10k-labels-idx1-ubyte" "$folder/t10k-images-idx3-ubyte" -Force
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IdxWrongMagic,*'
        $err.Exception.Message | Should -BeLike '*t10k-images-idx3-ubyte*magic number*'
    }

    It 'rejects images and labels of different counts' {
        $folder = New-IdxFolder -Test 3 -TestLabels ([byte[]](1, 2))
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DataCountMismatch,*'
    }

    It 'rejects a .gz file that is not gzip' {
        $folder = New-IdxFolder
        Move-Item "$folder/train-labels-idx1-ubyte" "$folder/train-labels-idx1-ubyte.gz"
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IdxNotGzip,*'
        $err.Exception.Message | Should -BeLike '*train-labels-idx1-ubyte.gz*gzip*'
    }

    It 'rejects IDX files of another image size' {
        $folder = New-IdxFolder -Rows 32 -Columns 32
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IdxWrongImageSize,*'
        $err.Exception.Message | Should -BeLike '*32x32*expected 28x28*'
    }

    It 'rejects labels outside 0-9' {
        $folder = New-IdxFolder -Test 3 -TestLabels ([byte[]](1, 2, 11))
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IdxLabelOutOfRange,*'
    }

    It 'rejects a missing path naming it' {
        $err = { Import-MnistData -Path '/no/such/folder' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DataPathNotFound,*'
        $err.Exception.Message | Should -BeLike '*/no/such/folder*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'leaves the shell usable after an error' {
        { Import-MnistData -Path '/no/such/folder' } | Should -Throw
        (Import-MnistData -Split Test).Count | Should -Be 10000
    }
}

Describe 'ConvertTo-OneHot' {
    It 'turns 5 into the notebook''s [0,0,0,0,0,1,0,0,0,0]' {
        (5 | ConvertTo-OneHot) -join ',' | Should -Be '0,0,0,0,0,1,0,0,0,0'
    }

    It 'gives one vector per label from the pipeline' {
        $vectors = 0, 1, 2 | ConvertTo-OneHot -Classes 3
        $vectors.Count | Should -Be 3
        $vectors[2] -join ',' | Should -Be '0,0,1'
    }

    It 'marks a dataset as one-hot and keeps its images' {
        $data = Import-MnistData -TrainCount 100 -TestCount 10
        $oneHot = $data | ConvertTo-OneHot
        $oneHot.LabelEncoding | Should -Be 'OneHot'
        $oneHot.Train.Count | Should -Be 100
    }

    It 'reports a label outside the classes and goes on with the rest' {
        $vectors = 3, 12, 4 | ConvertTo-OneHot -ErrorVariable problems -ErrorAction SilentlyContinue
        $vectors.Count | Should -Be 2
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LabelOutOfRange,*'
    }

    It 'can be called module-qualified' {
        (Mnist\ConvertTo-OneHot 1 -Classes 2) -join ',' | Should -Be '0,1'
    }
}

Describe 'New-MnistModel' {
    It 'builds the notebook model with 407,050 parameters' {
        $model = New-MnistModel
        $model.ParameterCount | Should -Be 407050
        $model.Optimizer | Should -Be 'Adam'
        $model.LearningRate | Should -Be 0.001
        $model.Layers.Type | Should -Be @('Dense', 'Dropout', 'Dense')
    }

    It 'shows the Keras summary table by default' {
        $text = New-MnistModel | Out-String
        $text | Should -Match 'dense \(Dense\)\s+\(None, 512\)\s+401,920'
        $text | Should -Match 'dense_1 \(Dense\)\s+\(None, 10\)\s+5,130'
        $text | Should -Match 'Total params: 407,050'
    }

    It 'shows its summary in an 80-column terminal without breaking a word (<Case>)' -TestCases @(
        @{ Case = 'the notebook''s model'; Make = { New-MnistModel -Seed 42 } }
        @{ Case = 'the CNN'; Make = { New-MnistModel -Architecture Cnn -Seed 1 } }
        @{ Case = 'FastCnn with SGD'; Make = { New-MnistModel -Architecture FastCnn -Optimizer Sgd -Seed 1 } }
        @{ Case = 'a trained and evaluated model'; Make = {
                $trained = Import-MnistData -TrainCount 500 -TestCount 100 | Invoke-MnistTraining -Epochs 1 -Quiet -Seed 3
                $null = $trained | Test-MnistModel
                $trained } }
    ) {
        $model = & $Make
        $narrow = ($model | Out-String -Width 80) -split '\r?\n'
        $wide = ($model | Out-String -Width 1000) -split '\r?\n'
        # PowerShell breaks a line that fills the window mid-word: every line must stay short of it.
        $narrow | ForEach-Object { $_.Length | Should -BeLessThan 80 -Because "'$_'" }
        # The same words in the same order as on a wide screen: none was cut in two.
        (-split ($narrow -join ' ')) | Should -Be (-split ($wide -join ' '))
        ($narrow -join ' ') | Should -Match 'categorical_crossentropy'
    }

    It 'takes hidden units, dropout, optimizer and learning rate' {
        $model = New-MnistModel -HiddenUnits 256 -Dropout 0.5 -Optimizer Sgd -LearningRate 0.01
        $model.ParameterCount | Should -Be (784 * 256 + 256 + 256 * 10 + 10)
        $model.Optimizer | Should -Be 'Sgd'
    }

    It 'rejects a NaN or negative learning rate' {
        { New-MnistModel -LearningRate ([double]::NaN) } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { New-MnistModel -LearningRate -0.1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Invoke-MnistTraining' {
    BeforeAll {
        $script:small = Import-MnistData -TrainCount 3000 -TestCount 500
    }

    It 'outputs the trained model with one History row per epoch' {
        $model = $small | Invoke-MnistTraining -Epochs 2 -Seed 1 -Quiet
        $model.History.Count | Should -Be 2
        $model.History[1].ValAccuracy | Should -BeGreaterThan 0.8
        $model.IsTrained | Should -BeTrue
    }

    It 'prints one line per epoch unless told to be quiet' {
        $lines = $small | Invoke-MnistTraining -Epochs 2 -Seed 1 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }
        $lines.Count | Should -Be 2
        "$($lines[0])" | Should -Match '^Epoch 1: loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+'
        $quiet = $small | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }
        $quiet | Should -BeNullOrEmpty
    }

    It 'uses the machine''s cores by default and respects -ThreadCount' {
        (Get-Command Invoke-MnistTraining).Parameters['ThreadCount'] | Should -Not -BeNullOrEmpty
        # -ThreadCount holds during the call only (Training.Tests checks it is restored), so look from inside it.
        $null = $small | Invoke-MnistTraining -Epochs 1 -ThreadCount 1 -Quiet -OnEpochEnd { $script:during = (Get-MnistEnvironment).ThreadCount }
        $script:during | Should -Be 1
        $null = $small | Invoke-MnistTraining -Epochs 1 -Quiet -OnEpochEnd { $script:during = (Get-MnistEnvironment).ThreadCount }
        $script:during | Should -Be ([Environment]::ProcessorCount)
    }

    It 'gives the same result for the same seed' {
        $a = $small | Invoke-MnistTraining -Epochs 1 -Seed 9 -ThreadCount 1 -Quiet
        $b = $small | Invoke-MnistTraining -Epochs 1 -Seed 9 -ThreadCount 1 -Quiet
        $b.History[0].Loss | Should -Be $a.History[0].Loss
    }

    It 'rejects <Name> <Value>' -TestCases @(
        @{ Name = 'Epochs'; Value = 0 }
        @{ Name = 'Epochs'; Value = -3 }
        @{ Name = 'BatchSize'; Value = 0 }
        @{ Name = 'ValidationSplit'; Value = 1.0 }
        @{ Name = 'ValidationSplit'; Value = -0.1 }
        @{ Name = 'ThreadCount'; Value = 0 }
    ) {
        $parameters = @{ $Name = $Value }
        { $small | Invoke-MnistTraining @parameters -Quiet } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'applies -ClassNames to the cached data and checks the labels against them' {
        $err = { Import-MnistData -ClassNames a, b, c } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IdxLabelOutOfRange,*'
    }

    It 'rejects a model whose classes are not the data''s' {
        $model = New-MnistModel -Classes 5
        $err = { $small | Invoke-MnistTraining -Model $model -Epochs 1 -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ModelClassesMismatch,*'   # 5 classes against 10 digits (docs/errors.md)
    }
}

Describe 'Test-MnistModel and Get-MnistPrediction' {
    BeforeAll {
        $script:data = Import-MnistData -TrainCount 10000
        $script:model = $data | Invoke-MnistTraining -Epochs 2 -Seed 2 -Quiet
    }

    It 'evaluates on the dataset the model was trained on' {
        $evaluation = $model | Test-MnistModel
        $evaluation.Count | Should -Be 10000
        $evaluation.Accuracy | Should -BeGreaterThan 0.9
        ($evaluation.PerClass.Support | Measure-Object -Sum).Sum | Should -Be 10000
        $model.LastEvaluation | Should -Be $evaluation
    }

    It 'evaluates on -Data and -Split' {
        ($model | Test-MnistModel -Data $data -Split Train).Count | Should -Be 10000
        ($model | Test-MnistModel -Data (Import-MnistData -Split Test -TestCount 100)).Count | Should -Be 100
    }

    It 'writes an error below -MinimumAccuracy, terminating with -ErrorAction Stop' {
        { $model | Test-MnistModel -MinimumAccuracy 0.999 -ErrorAction Stop } | Should -Throw -ErrorId 'AccuracyBelowMinimum,*'
        $model | Test-MnistModel -MinimumAccuracy 0.5 -ErrorAction Stop | Should -Not -BeNullOrEmpty
    }

    It 'predicts 7 for the first test image, as the notebook does' {
        $prediction = $model | Get-MnistPrediction -Index 0
        $prediction.Predicted | Should -Be 7
        $prediction.Label | Should -Be 7
        $prediction.IsCorrect | Should -BeTrue
        $prediction.Probabilities.Count | Should -Be 10
        [math]::Abs(($prediction.Probabilities | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-5
        $prediction.Confidence | Should -Be ($prediction.Probabilities | Measure-Object -Maximum).Maximum
    }

    It 'predicts the samples piped to it from their own split' {
        $predictions = $data | Get-MnistSample -Index (0..2) | Get-MnistPrediction -Model $model
        $predictions.Split | Should -Be @('Train', 'Train', 'Train')
        $predictions.Label | Should -Be @(5, 0, 4)
    }

    It 'predicts chosen indices from the pipeline' {
        $predictions = 0..4 | Get-MnistPrediction -Model $model
        $predictions.Index | Should -Be @(0, 1, 2, 3, 4)
    }

    It 'rejects an index outside the split' {
        $err = { $model | Get-MnistPrediction -Index 10000 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IndexOutOfRange,*'
        { $model | Get-MnistPrediction -Index -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}
