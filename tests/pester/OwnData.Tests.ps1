# Your own labelled pictures and CSV files in: Import-MnistData -Path as a user types it.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    Use-ModuleAssembly SkiaSharp
    . "$PSScriptRoot/Pictures.ps1"
    $script:mnist = Import-MnistData -TrainCount 2000 -TestCount 1000
    # A data cache of these tests only (for the prepared images), holding links to MNIST's cached files.
    $mnistFiles = Get-ChildItem ([Mnist.Core.Data.MnistFiles]::DefaultCacheFolder) -File | Where-Object Name -Match '^(train|t10k)-'
    $env:MNIST_DATA_DIR = New-TestFolder
    foreach ($file in $mnistFiles) { New-Item -ItemType SymbolicLink -Path (Join-Path $env:MNIST_DATA_DIR $file.Name) -Target $file.FullName | Out-Null }
}

AfterAll { Remove-Item Env:MNIST_DATA_DIR -ErrorAction Ignore }

Describe 'Import-MnistData -Path with a folder of class folders of pictures' {
    BeforeAll {
        $script:digits = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..599) -Folder $digits
    }

    It 'imports one class per folder, split by content, and shows pictures per class' {
        $data = Import-MnistData -Path $digits
        $data.ClassNames | Should -Be (0..9 | ForEach-Object { "$_" })
        $data.Train.Count + $data.Test.Count | Should -Be 600
        $data.Test.Count | Should -BeGreaterOrEqual 90
        $data.Test.Count | Should -BeLessOrEqual 150
        $data.Test.ClassCounts | ForEach-Object { $_ | Should -BeGreaterThan 0 }
        ($data | Format-List | Out-String) | Should -Match 'PerClass\s*:\s*0: \d+/\d+, 1: \d+/\d+'
    }

    It 'takes a folder from Get-Item and honours -TestFraction' {
        $data = Get-Item $digits | Import-MnistData -TestFraction 0.5
        $data.Test.Count | Should -BeGreaterOrEqual 250
        $data.Test.Count | Should -BeLessOrEqual 350
    }

    It 'names skipped files in -Verbose and counts them in the view' {
        $folder = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..29) -Folder $folder
        Set-Content "$folder/README.txt" 'my digits'
        Set-Content "$folder/7/Thumbs.db" 'x'
        $verbose = Import-MnistData -Path $folder -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Contain "Skipped '$folder/7/Thumbs.db': not a picture file by its extension, or a link to a folder."
        (Import-MnistData -Path $folder | Out-String -Width 300) | Should -Match '(?m)^\S+\s+\d+\s+\d+\s+28x28\s+Index\s+2\s'
    }

    It 'writes a non-terminating error naming each picture it cannot read, and imports the rest' {
        $folder = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..29) -Folder $folder
        $whole = [System.IO.File]::ReadAllBytes((Get-ChildItem "$folder/7" | Select-Object -First 1).FullName)
        [System.IO.File]::WriteAllBytes("$folder/7/cut.png", $whole[0..($whole.Length / 2)])
        Set-Content "$folder/2/notes.jpg" 'not a picture'
        $data = Import-MnistData -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue
        $data.Train.Count + $data.Test.Count | Should -Be 30
        $problems.Count | Should -Be 2
        $problems | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ImageUnreadable,*' }
        $problems.TargetObject | Sort-Object | Should -Be @("$folder/2/notes.jpg", "$folder/7/cut.png")
    }

    It 'survives hostile files in the middle of a folder: a sparse 10 GB .png, a symlink loop, a picture bomb' {
        $folder = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..29) -Folder $folder
        $sparse = [System.IO.File]::Create("$folder/1/huge.png"); $sparse.SetLength(10GB); $sparse.Dispose()
        New-Item -ItemType SymbolicLink -Path "$folder/4/loop" -Target $folder | Out-Null
        # A PNG header declaring 100,000 x 100,000 pixels: refused from its header, never decoded.
        $bomb = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55)
        [System.IO.File]::WriteAllBytes("$folder/9/bomb.png", $bomb)
        $data = Import-MnistData -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue
        $data.Train.Count + $data.Test.Count | Should -Be 30
        ($problems | Where-Object TargetObject -EQ "$folder/1/huge.png").FullyQualifiedErrorId | Should -BeLike 'ImageTooLarge,*'
        ($problems | Where-Object TargetObject -EQ "$folder/9/bomb.png").FullyQualifiedErrorId | Should -BeLike 'Image*,*'
    }

    It 'refuses a class folder that -ClassNames does not name' {
        { Import-MnistData -Path $digits -ClassNames (0..8 | ForEach-Object { "$_" }) -ErrorAction Stop } |
            Should -Throw -ErrorId 'PictureClassNotNamed,*'
    }

    It 'says which class folder is empty' {
        $folder = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..29) -Folder $folder
        New-Item -ItemType Directory "$folder/extra" | Out-Null
        $thrown = { Import-MnistData -Path $folder -ErrorAction Stop } | Should -Throw -ErrorId 'PictureClassEmpty,*' -PassThru
        $thrown.Exception.Message | Should -Match 'extra'
    }

    It 'keeps every test picture in the test split as the folder grows' {
        $folder = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..199) -Folder $folder
        $before = Import-MnistData -Path $folder
        $testBefore = 0..($before.Test.Count - 1) | ForEach-Object { [Convert]::ToHexString($before.Test.GetImage($_)) }
        Write-PictureFolder -Split $mnist.Test -Index (200..399) -Folder $folder
        $after = Import-MnistData -Path $folder
        $testAfter = 0..($after.Test.Count - 1) | ForEach-Object { [Convert]::ToHexString($after.Test.GetImage($_)) }
        $testBefore | Where-Object { $_ -notin $testAfter } | Should -BeNullOrEmpty
    }

    It 'gives the same identity to the same pictures whatever their names, and models remember it' {
        $original = New-TestFolder
        $renamed = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..99) -Folder $original
        foreach ($i in 99..0) {
            Write-GrayPng -Pixels $mnist.Test.GetImage($i) -Path ('{0}/{1}/scan-{2}.png' -f $renamed, $mnist.Test.Labels[$i], (1000 - $i))
        }
        $a = Import-MnistData -Path $original -Name mine
        $b = Import-MnistData -Path $renamed -Name mine
        $a.Identity.IsSameDataAs($b.Identity) | Should -BeTrue
        $model = $a | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet
        $model.TrainingData.IsSameDataAs($b.Identity) | Should -BeTrue
    }

    It 'trains on the pictures and learns' {
        $data = Import-MnistData -Path $digits
        $model = $data | Invoke-MnistTraining -Epochs 4 -Seed 1 -Quiet
        $result = $model | Test-MnistModel
        $result.Count | Should -Be $data.Test.Count
        $result.Accuracy | Should -BeGreaterThan 0.6
    }

    It 'prepares pictures that are not 28x28 once, then takes them from the cache' {
        $folder = New-TestFolder
        foreach ($i in 0..19) {
            New-Item -ItemType Directory "$folder/$($mnist.Test.Labels[$i])" -Force | Out-Null
            Write-DigitPicture -Pixels $mnist.Test.GetImage($i) -Path ('{0}/{1}/{2}.png' -f $folder, $mnist.Test.Labels[$i], $i) -Size 120 -Scale 3
        }
        $first = Import-MnistData -Path $folder -TestFraction 0
        $second = Import-MnistData -Path $folder -TestFraction 0
        $first.Import.Prepared | Should -Be 20
        $second.Import.PreparedFromCache | Should -Be 20
        $second.Train.Pixels | Should -Be $first.Train.Pixels
    }
}

Describe 'Import-MnistData -Path with CSV files' {
    BeforeAll {
        $script:csvFolder = New-TestFolder
        $header = 'label,' + ((0..783 | ForEach-Object { "pixel$_" }) -join ',')
        $rows = foreach ($i in 0..299) { '{0},{1}' -f $mnist.Test.Labels[$i], ($mnist.Test.GetImage($i) -join ',') }
        Set-Content "$csvFolder/train.csv" (@($header) + $rows[0..239])
        Set-Content "$csvFolder/test.csv" $rows[240..299]
        Set-Content "$csvFolder/mnist_sample.csv" $rows
    }

    It 'reads a folder holding train.csv and test.csv as the two splits, rows in file order' {
        $data = Import-MnistData -Path $csvFolder
        $data.Train.Count | Should -Be 240
        $data.Test.Count | Should -Be 60
        $data.Test.GetImage(0) | Should -Be $mnist.Test.GetImage(240)
    }

    It 'splits a single headerless CSV by content' {
        $data = Import-MnistData -Path "$csvFolder/mnist_sample.csv"
        $data.Train.Count + $data.Test.Count | Should -Be 300
        $data.Name | Should -Be 'mnist_sample'
    }

    It 'names the file and line of a bad row' {
        $bad = Join-Path (New-TestFolder) 'bad.csv'
        Set-Content $bad @((Get-Content "$csvFolder/mnist_sample.csv" -TotalCount 5) + '3,1,2,999')
        $thrown = { Import-MnistData -Path $bad -ErrorAction Stop } | Should -Throw -ErrorId 'CsvRowInvalid,*' -PassThru
        $thrown.TargetObject | Should -Be "${bad}:6"
        $thrown.Exception.Message | Should -Match 'Line 6'
    }

    It 'imports the pictures a manifest names' {
        $folder = New-TestFolder
        Write-PictureFolder -Split $mnist.Test -Index (0..49) -Folder "$folder/scans"
        $manifest = Get-ChildItem "$folder/scans" -Recurse -File |
            ForEach-Object { [pscustomobject]@{ path = $_.FullName; label = $_.Directory.Name } }
        $manifest | Export-Csv "$folder/labels.csv"
        $data = Import-MnistData -Path "$folder/labels.csv" -TestFraction 0
        $data.Train.Count | Should -Be 50
    }
}

Describe 'Round trips through Export-MnistData and Import-MnistData' {
    It 'gives back the same pixels and labels from <Format> files' -TestCases @(@{ Format = 'Png' }, @{ Format = 'Csv' }) {
        $data = Import-MnistData -Path /usr/share/datasets/fashion-mnist -TrainCount 300 -TestCount 100
        $target = Join-Path (New-TestFolder) 'export'
        $data | Export-MnistData -Path $target -Format $Format | Out-Null
        $names = if ($Format -eq 'Csv') { @{ ClassNames = 'fashion-mnist' } } else { @{} }   # CSV keeps label indices only
        $back = Import-MnistData -Path $target @names
        $back.ClassNames | Should -Be $data.ClassNames
        foreach ($split in 'Train', 'Test') {
            $original = $data.GetSplit($split); $read = $back.GetSplit($split)
            $key = { param($s, $i) '{0}:{1}' -f $s.Labels[$i], [Convert]::ToHexString($s.GetImage($i)) }
            $expected = 0..($original.Count - 1) | ForEach-Object { & $key $original $_ } | Sort-Object
            $actual = 0..($read.Count - 1) | ForEach-Object { & $key $read $_ } | Sort-Object
            $actual | Should -Be $expected
        }
    }

    It 'keeps a review folder of mistakes importable, each picture as the model saw it' {
        $model = $mnist | Invoke-MnistTraining -Epochs 1 -Seed 2 -Quiet
        $mistakes = $model | Get-MnistPrediction -Data $mnist -Split Test | Where-Object { -not $_.IsCorrect }
        $review = Join-Path (New-TestFolder) 'review'
        $mistakes | Export-MnistData -Path $review -Format Png | Out-Null
        $back = Import-MnistData -Path $review -TestFraction 0
        $back.Train.Count | Should -Be @($mistakes).Count
        $back.ClassNames | Should -Be $mnist.ClassNames
    }
}

Describe 'Learning from your own digits' {
    It 'scores better on typeset digits after joining them with MNIST than with MNIST alone' {
        $folder = New-TestFolder
        if (-not (Write-TypesetDigits -Folder $folder -PerDigit 60)) {
            Set-ItResult -Skipped -Because 'no DejaVu fonts on this machine (Debian: fonts-dejavu-core)'
            return
        }
        $typeset = Import-MnistData -Path $folder -TestFraction 0.3
        $alone = $mnist | Invoke-MnistTraining -Epochs 5 -Seed 5 -ThreadCount 2 -Quiet
        $joined = $mnist | Join-MnistData -Dataset $typeset | Invoke-MnistTraining -Epochs 5 -Seed 5 -ThreadCount 2 -Quiet
        $before = ($alone | Test-MnistModel -Data $typeset).Accuracy
        $after = ($joined | Test-MnistModel -Data $typeset).Accuracy
        Write-Host ('typeset digits: MNIST alone {0:F3}, joined {1:F3}' -f $before, $after)
        $after | Should -BeGreaterThan ($before + 0.1)
    }
}

Describe 'examples/nightly-retrain.ps1 -DropFolder' {
    It 'learns from the drop folder and reports how much data it learned from, and what is new' {
        $folder = New-TestFolder
        $drop = "$folder/drop"
        Write-PictureFolder -Split $mnist.Test -Index (0..99) -Folder $drop
        $arguments = @('-NoProfile', '-File', "$PSScriptRoot/../../examples/nightly-retrain.ps1", '-ProductionPath', "$folder/prod/mnist.model",
            '-DropFolder', $drop, '-TrainCount', '2000', '-Epochs', '1', '-Seed', '3', '-ModuleManifest', $ModuleManifest)
        $first = & dotnet pwsh @arguments 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $first
        $metrics = Get-Content "$folder/prod/metrics.json" -Raw | ConvertFrom-Json
        $metrics.LearnedFrom.FromData | Should -Be 2000
        $metrics.LearnedFrom.DropFolderTotal | Should -Be 100
        $metrics.LearnedFrom.FromDropFolder | Should -BeGreaterThan 60
        $metrics.LearnedFrom.TrainImages | Should -Be (2000 + $metrics.LearnedFrom.FromDropFolder)
        $first | Should -Match 'learned from [\d,]+ images'

        Write-PictureFolder -Split $mnist.Test -Index (100..149) -Folder $drop
        $second = & dotnet pwsh @arguments 2>&1 | Out-String
        $LASTEXITCODE | Should -BeIn 0, 2 -Because $second
        (Get-Content "$folder/prod/metrics.json" -Raw | ConvertFrom-Json).LearnedFrom.NewInDropFolder | Should -Be 50
        $second | Should -Match '50 new since the last run'
    }
}
