# Export-MnistData: data and a model's mistakes out again, in the formats other tools read.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:FashionFolder = '/usr/share/datasets/fashion-mnist'
    $script:data = Import-MnistData -TrainCount 500 -TestCount 100

    function Assert-SameImages($Expected, $Actual) {
        $Actual.Count | Should -Be $Expected.Count
        [System.Linq.Enumerable]::SequenceEqual([byte[]]$Actual.Pixels, [byte[]]$Expected.Pixels) | Should -BeTrue
        [System.Linq.Enumerable]::SequenceEqual([byte[]]$Actual.Labels, [byte[]]$Expected.Labels) | Should -BeTrue
    }

    function Wait-Until([scriptblock] $Condition, [int] $TimeoutSeconds = 60) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($clock.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Gave up after $TimeoutSeconds s waiting for: $Condition" }
            Start-Sleep -Milliseconds 20
        }
    }
}

Describe 'Export-MnistData -Format Idx' {
    It 'writes the four standard files that Import-MnistData -Path reads back identically' {
        $folder = Join-Path (New-TestFolder) 'idx'
        $result = $data | Export-MnistData $folder -Format Idx
        $result.Train | Should -Be 500
        $result.Test | Should -Be 100
        (Get-ChildItem $folder).Name | Sort-Object | Should -Be @('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte')
        $back = Import-MnistData -Path $folder
        Assert-SameImages $data.Train $back.Train
        Assert-SameImages $data.Test $back.Test
    }

    It 'gzips the files with -Compress' {
        $folder = Join-Path (New-TestFolder) 'idx-gz'
        $data | Export-MnistData $folder -Format Idx -Compress | Out-Null
        (Get-ChildItem $folder).Name | Should -Be @('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz')
        Assert-SameImages $data.Test (Import-MnistData -Path $folder).Test
    }

    It 'writes a lone split under its own file names' {
        $folder = Join-Path (New-TestFolder) 'test-only'
        $data.Test | Export-MnistData $folder -Format Idx | Out-Null
        (Get-ChildItem $folder).Name | Should -Be @('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')
    }
}

Describe 'Export-MnistData -Format Npz' {
    It 'writes a Keras mnist.npz that Import-MnistData -Path reads back identically' {
        $path = Join-Path (New-TestFolder) 'mnist.npz'
        $data | Export-MnistData $path -Format Npz | Out-Null
        $back = Import-MnistData -Path $path
        Assert-SameImages $data.Train $back.Train
        Assert-SameImages $data.Test $back.Test
    }

    It 'is read by numpy.load as x_train, y_train, x_test, y_test of uint8' {
        & /usr/bin/python3 -c 'import numpy' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'numpy is not installed for /usr/bin/python3'; return }
        $path = Join-Path (New-TestFolder) 'mnist.npz'
        $data | Export-MnistData $path -Format Npz | Out-Null
        $script = "import numpy as np; d = np.load('$path'); print(sorted(d.files)); print(d['x_train'].dtype, d['x_train'].shape, d['y_train'].shape, d['x_test'].shape, d['y_test'].dtype); print(int(d['x_test'][7].sum()), int(d['y_test'][:10].sum()))"
        $lines = & /usr/bin/python3 -c $script
        $lines[0] | Should -Be "['x_test', 'x_train', 'y_test', 'y_train']"
        $lines[1] | Should -Be 'uint8 (500, 28, 28) (500,) (100, 28, 28) uint8'
        $expectedInk = ($data.Test.GetImage(7) | Measure-Object -Sum).Sum
        $expectedLabels = ($data.Test.Labels[0..9] | Measure-Object -Sum).Sum
        $lines[2] | Should -Be "$expectedInk $expectedLabels"
    }

    It 'puts mnist.npz inside a folder given as -Path' {
        $folder = New-TestFolder
        ($data | Export-MnistData $folder -Format Npz).Path | Should -Be (Join-Path $folder 'mnist.npz')
    }
}

Describe 'Export-MnistData -Format Csv' {
    It 'writes Kaggle''s train.csv and test.csv: a header, then label and 784 pixels per row' {
        $folder = Join-Path (New-TestFolder) 'csv'
        $data | Export-MnistData $folder -Format Csv | Out-Null
        $lines = Get-Content (Join-Path $folder 'test.csv')
        $lines[0] | Should -Be ('label,' + ((0..783 | ForEach-Object { "pixel$_" }) -join ','))
        $lines.Count | Should -Be 101
        $row = [byte[]]($lines[8] -split ',')
        $row[0] | Should -Be $data.Test.Labels[7]
        [System.Linq.Enumerable]::SequenceEqual([byte[]]$row[1..784], $data.Test.GetImage(7)) | Should -BeTrue
        (Get-Content (Join-Path $folder 'train.csv')).Count | Should -Be 501
    }

    It 'writes samples into one file named .csv' {
        $path = Join-Path (New-TestFolder) 'some.csv'
        Get-MnistSample -Data $data -Index 3, 4, 5 | Export-MnistData $path -Format Csv | Out-Null
        (Get-Content $path).Count | Should -Be 4
    }

    It 'takes samples given as -InputObject too' {
        $path = Join-Path (New-TestFolder) 'given.csv'
        $samples = Get-MnistSample -Data $data -Index 3, 4
        Export-MnistData -InputObject $samples -Path $path -Format Csv | Out-Null
        (Get-Content $path).Count | Should -Be 3
    }

    It 'refuses what is not data, naming it' {
        { 'digits' | Export-MnistData (Join-Path (New-TestFolder) 'x.csv') -Format Csv -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportUnsupportedInput,Mnist.Cmdlets.Commands.ExportMnistDataCommand'
    }
}

Describe 'Export-MnistData -Format Png' {
    It 'writes train and test folders of class folders of 8-bit gray 28x28 pictures, and classes.txt' {
        $folder = Join-Path (New-TestFolder) 'png'
        $result = $data | Export-MnistData $folder -Format Png
        $result.Files | Should -Be 601
        Get-Content (Join-Path $folder 'classes.txt') | Should -Be @('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')
        foreach ($class in 0..9) {
            @(Get-ChildItem (Join-Path $folder "test/$class") -Filter *.png).Count | Should -Be $data.Test.ClassCounts[$class]
        }
        $bytes = [System.IO.File]::ReadAllBytes((Join-Path $folder "test/$($data.Test.Labels[0])/00000.png"))
        $bytes[16..23] | Should -Be @(0, 0, 0, 28, 0, 0, 0, 28)   # IHDR width and height
        $bytes[24] | Should -Be 8                                # bit depth
        $bytes[25] | Should -Be 0                                # colour type: grayscale
    }

    It 'names class folders safely and keeps the real class names in classes.txt (Fashion-MNIST)' {
        if (-not (Test-Path $FashionFolder)) { Set-ItResult -Skipped -Because "Debian's dataset-fashion-mnist is not installed"; return }
        $fashion = Import-MnistData -Path $FashionFolder -TrainCount 50 -TestCount 50
        $folder = Join-Path (New-TestFolder) 'fashion'
        $fashion.Test | Export-MnistData $folder -Format Png | Out-Null
        Get-Content (Join-Path $folder 'classes.txt') | Should -Be $fashion.ClassNames
        Join-Path $folder 'T-shirt_top' | Should -Exist
        (Get-ChildItem $folder -Directory).Name | Should -Contain 'Ankle boot'
    }

    It 'writes a model''s mistakes into the folders of their true class, named with the prediction' {
        $model = $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -ThreadCount 1 -Quiet
        $wrong = @($model | Get-MnistPrediction -Data $data | Where-Object { -not $_.IsCorrect })
        $wrong.Count | Should -BeGreaterThan 0
        $folder = Join-Path (New-TestFolder) 'review'
        $wrong | Export-MnistData $folder -Format Png | Out-Null
        $first = $wrong[0]
        Join-Path $folder "$($first.Label)/test-$('{0:D5}' -f $first.Index)-predicted-$($first.Predicted)-label-$($first.Label).png" | Should -Exist
        @(Get-ChildItem $folder -Recurse -Filter *.png).Count | Should -Be $wrong.Count

        $byPrediction = Join-Path (New-TestFolder) 'by-prediction'
        $wrong | Export-MnistData $byPrediction -Format Png -By Predicted | Out-Null
        Join-Path $byPrediction "$($first.Predicted)/test-$('{0:D5}' -f $first.Index)-predicted-$($first.Predicted)-label-$($first.Label).png" | Should -Exist
    }
}

Describe 'Export-MnistData writes safely' {
    It 'writes nothing with -WhatIf' {
        $folder = Join-Path (New-TestFolder) 'whatif'
        $data | Export-MnistData $folder -Format Png -WhatIf
        $folder | Should -Not -Exist
    }

    It 'refuses to overwrite without -Force, before writing anything, and overwrites with it' {
        $folder = New-TestFolder
        'old' | Set-Content (Join-Path $folder 'train-labels-idx1-ubyte')
        { $data | Export-MnistData $folder -Format Idx -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,Mnist.Cmdlets.Commands.ExportMnistDataCommand'
        @(Get-ChildItem $folder).Count | Should -Be 1
        $data | Export-MnistData $folder -Format Idx -Force | Out-Null
        Assert-SameImages $data.Train (Import-MnistData -Path $folder).Train
    }

    It 'refuses predictions without a true class unless -By Predicted' {
        $model = New-MnistModel -Seed 1 -HiddenUnits 8
        $prediction = Get-MnistPrediction -Model $model -Pixels (, [byte[]]::new(784))
        { $prediction | Export-MnistData (Join-Path (New-TestFolder) 'p') -Format Png -ErrorAction Stop } | Should -Throw -ErrorId 'ExportPredictionUnlabelled,*'
        $folder = Join-Path (New-TestFolder) 'p'
        $prediction | Export-MnistData $folder -Format Png -By Predicted | Out-Null
        Join-Path $folder "$($prediction.Predicted)/image-00000-predicted-$($prediction.Predicted).png" | Should -Exist
    }

    It 'leaves no file and no temporary folder when stopped (Ctrl+C)' {
        $parent = New-TestFolder
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($ModuleManifest)
        $runspace = [runspacefactory]::CreateRunspace($state)
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            [void]$shell.AddScript("Import-MnistData -Split Train | Export-MnistData '$parent/all' -Format Png")
            $invocation = $shell.BeginInvoke()
            Wait-Until { $shell.Streams.Progress | Where-Object Activity -Like 'Exporting*' }
            $shell.Stop()
            { $shell.EndInvoke($invocation) } | Should -Throw
            @(Get-ChildItem $parent -Force).Count | Should -Be 0
        } finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }
}
