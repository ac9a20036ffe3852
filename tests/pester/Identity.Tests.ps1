# Models and data that know what they are: nothing silently wrong when datasets meet.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:FashionFolder = '/usr/share/datasets/fashion-mnist'
    $script:digits = Import-MnistData -TrainCount 3000 -TestCount 500
    $script:model = $digits | Invoke-MnistTraining -Epochs 2 -Seed 4 -ThreadCount 1 -Quiet

    # A second dataset made here: MNIST's first 500 test images written in reverse order as IDX files.
    $test = Import-MnistData -Split Test -TestCount 500
    $order = 499..0
    $pixels = [byte[]]::new(500 * 784)
    $labels = [byte[]]::new(500)
    for ($i = 0; $i -lt 500; $i++) {
        [Array]::Copy($test.Pixels, $order[$i] * 784, $pixels, $i * 784, 784)
        $labels[$i] = $test.Labels[$order[$i]]
    }
    $script:otherFolder = Join-Path (New-TestFolder) 'reversed-digits'
    New-Item -ItemType Directory $otherFolder | Out-Null
    Write-IdxFile "$otherFolder/train-images-idx3-ubyte" 2051 @(500, 28, 28) $pixels
    Write-IdxFile "$otherFolder/train-labels-idx1-ubyte" 2049 @(500) $labels
    Write-IdxFile "$otherFolder/t10k-images-idx3-ubyte" 2051 @(500, 28, 28) $pixels
    Write-IdxFile "$otherFolder/t10k-labels-idx1-ubyte" 2049 @(500) $labels
    $script:other = Import-MnistData -Path $otherFolder
    $script:clothes = Import-MnistData -Path $otherFolder -Name clothes -ClassNames fashion-mnist
}

Describe 'Import-MnistData and the dataset catalogue' {
    It 'names unknown IDX data after its folder, with digit classes' {
        $other.Name | Should -Be 'reversed-digits'
        $other.ClassNames | Should -Be @('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')
        $other.KnownAs | Should -BeNullOrEmpty
    }

    It 'takes -ClassNames fashion-mnist as the Fashion-MNIST class names' {
        $clothes.ClassNames[0] | Should -Be 'T-shirt/top'
        $clothes.ClassNames[9] | Should -Be 'Ankle boot'
        $clothes.Name | Should -Be 'clothes'
    }

    It 'recognises real Fashion-MNIST files by their sums and takes their name and classes' -Skip:(-not (Test-Path '/usr/share/datasets/fashion-mnist')) {
        $fashion = Import-MnistData -Path $FashionFolder -TrainCount 100 -TestCount 100
        $fashion.Name | Should -Be 'fashion-mnist'
        $fashion.ClassNames[9] | Should -Be 'Ankle boot'
        ($fashion | Get-MnistSample -Index 0).DatasetName | Should -Be 'fashion-mnist'
    }

    It 'reads Fashion-MNIST from the cache with -Name fashion-mnist, checking its sums' -Skip:(-not (Test-Path '/usr/share/datasets/fashion-mnist')) {
        $cache = New-TestFolder
        New-Item -ItemType Directory "$cache/fashion-mnist" | Out-Null
        Copy-Item "$FashionFolder/*.gz" "$cache/fashion-mnist/"
        $fashion = Import-MnistData -Name fashion-mnist -CachePath $cache -TestCount 10
        $fashion.Name | Should -Be 'fashion-mnist'
        $fashion.ClassNames[1] | Should -Be 'Trouser'
        $fashion.Train.Count | Should -Be 60000
    }

    It 'downloads Fashion-MNIST from a mirror serving {dataset} and verifies it' -Skip:(-not (Test-Path '/usr/share/datasets/fashion-mnist')) {
        # Debian recompresses the .gz files (other .gz sums, same content); a mirror must serve the published bytes,
        # so this test only checks that a bad mirror is refused for Fashion-MNIST and nothing reaches the cache.
        $cache = New-TestFolder
        $env:MNIST_MIRRORS = 'http://127.0.0.1:9/{dataset}/'
        try {
            $err = { Import-MnistData -Name fashion-mnist -CachePath $cache } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'DownloadFailed,*'
            Get-ChildItem -Recurse -File $cache | Should -BeNullOrEmpty
        } finally { Remove-Item Env:MNIST_MIRRORS }
    }

    It 'refuses an unknown -Name without -Path' {
        $err = { Import-MnistData -Name cifar } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'UnknownDataset,*'
    }
}

Describe 'A model that owns its identity' {
    It 'knows its class names, input shape and the identity of its training data' {
        $model.ClassNames | Should -Be $digits.ClassNames
        $model.InputShape | Should -Be '28x28'
        $model.TrainingData.Name | Should -Be 'mnist'
        $model.TrainingData.Checksums['t10k-images-idx3-ubyte'] | Should -Be $digits.Checksums['t10k-images-idx3-ubyte']
        $model.TrainingData.TrainCount | Should -Be 3000
    }

    It 'does not hold its dataset: ConvertTo-Json -Depth 3 stays under 1 MB' {
        $full = Import-MnistData | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet -ValidationSplit 0.5
        ($full | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue).Length | Should -BeLessThan 1MB
        ($model | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue).Length | Should -BeLessThan 1MB
    }

    It 'evaluates on its own test split without being told, through the pipeline' {
        $evaluation = Import-MnistData -TrainCount 2000 -TestCount 300 | Invoke-MnistTraining -Epochs 1 -Seed 3 -Quiet | Test-MnistModel
        $evaluation.Count | Should -Be 300
        $evaluation.DataName | Should -Be 'mnist'
        $evaluation.Model | Should -BeLike 'mlp-512#3'
    }

    It 'takes Fashion class names from its data and names predictions from them, also after a file round trip' {
        $fashionModel = $clothes | Invoke-MnistTraining -Epochs 1 -Seed 2 -Quiet
        $fashionModel.ClassNames[9] | Should -Be 'Ankle boot'
        $path = Join-Path (New-TestFolder) 'clothes.mnistmodel'
        $fashionModel | Export-MnistModel -Path $path
        $loaded = Import-MnistModel $path
        $loaded.ClassNames | Should -Be $fashionModel.ClassNames
        $loaded.TrainingData.Name | Should -Be 'clothes'
        $picture = Join-Path (Split-Path $path) 'digit.png'
        $clothes | Get-MnistSample -Index 0 | Export-MnistChart $picture
        foreach ($route in @(
                { Get-MnistPrediction -Model $loaded -Path $picture },
                { Get-MnistPrediction -Model $loaded -Pixels ($clothes | Get-MnistSample -Index 0).Pixels },
                { $clothes | Get-MnistSample -Index 0 | Get-MnistPrediction -Model $loaded },
                { Get-MnistPrediction -Model $loaded -Data $clothes -Index 0 })) {
            (& $route).PredictedName | Should -BeIn $fashionModel.ClassNames[0..9]
        }
    }
}

Describe 'Samples from another dataset' {
    It 'are predicted on their own pixels, with their own labels when the classes are the model''s' {
        $samples = $other | Get-MnistSample -Split Test -Index 0..49
        $predictions = $samples | Get-MnistPrediction -Model $model
        $predictions.Count | Should -Be 50
        for ($i = 0; $i -lt 50; $i++) {
            $alone = Get-MnistPrediction -Model $model -Pixels $samples[$i].Pixels
            $predictions[$i].Predicted | Should -Be $alone.Predicted
            $predictions[$i].Label | Should -Be $samples[$i].Label
            $predictions[$i].DatasetName | Should -Be 'reversed-digits'
        }
        # The reversed test split: its image 0 is MNIST's test image 499.
        ($predictions | Where-Object IsCorrect).Count | Should -BeGreaterThan 35
    }

    It 'with other classes get no Label and no IsCorrect, but their own class name' {
        $predictions = $clothes | Get-MnistSample -Split Test -Index 0..9 | Get-MnistPrediction -Model $model
        $predictions | Where-Object { $null -ne $_.Label -or $null -ne $_.IsCorrect } | Should -BeNullOrEmpty
        $predictions[0].TrueClassName | Should -Be ($clothes | Get-MnistSample -Split Test -Index 0).ClassName
    }

    It 'are predicted by an imported model too' {
        $path = Join-Path (New-TestFolder) 'digits.mnistmodel'
        $model | Export-MnistModel -Path $path
        $imported = Import-MnistModel $path
        $predictions = $other | Get-MnistSample -Split Test -Index 0..9 | Get-MnistPrediction -Model $imported
        $predictions.Count | Should -Be 10
        $predictions[0].Label | Should -Not -BeNullOrEmpty
    }
}

Describe 'Scoring across datasets' {
    It 'refuses to evaluate a digit model on data with other classes, naming both' {
        $err = { $model | Test-MnistModel -Data $clothes } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ModelClassesMismatch,*'
        $err.Exception.Message | Should -BeLike "*$($model.Name)*Ankle boot*"
    }

    It 'refuses data of another image shape' {
        $small = [Mnist.Core.Data.MnistSplit]::new('Test', 14, 14, [byte[]]::new(2 * 196), [byte[]](0, 1), $digits.ClassNames)
        $err = { $model | Test-MnistModel -Data $small } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ModelDataMismatch,*'
    }

    It 'refuses to train a trained digit model further on other classes' {
        $err = { $clothes | Invoke-MnistTraining -Model $model -Epochs 1 -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ModelClassesMismatch,*'
    }
}
