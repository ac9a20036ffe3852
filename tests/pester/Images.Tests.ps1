BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    Use-ModuleAssembly SkiaSharp

    . "$PSScriptRoot/Pictures.ps1"
}

Describe 'Get-MnistPrediction on picture files' {
    BeforeAll {
        $model = Import-MnistData -TrainCount 30000 -TestCount 100 |
            Invoke-MnistTraining -Model (New-MnistModel -Seed 7) -Epochs 1 -ValidationSplit 0 -Quiet
        $originals = Get-MnistPrediction -Model $model -Data (Import-MnistData) -Split Test -Index (0..99)
        $folder = New-TestFolder
        $random = [System.Random]::new(5)
        foreach ($index in 0..99) {
            $scale = $random.Next(3, 7)
            $left = $random.Next(0, 200 - 28 * $scale)
            $top = $random.Next(0, 200 - 28 * $scale)
            Write-DigitPicture -Pixels $originals[$index].Pixels -Path ('{0}/{1:D3}.png' -f $folder, $index) -Scale $scale -Left $left -Top $top
        }
    }

    It 'predicts 100 test digits drawn as large, off-centre black-on-white PNGs as it predicts the originals (>= 95%)' {
        $fromFiles = Get-ChildItem $folder -Filter *.png | Sort-Object Name | Get-MnistPrediction -Model $model
        $fromFiles.Count | Should -Be 100
        $agree = @(0..99 | Where-Object { $fromFiles[$_].Predicted -eq $originals[$_].Predicted }).Count
        Write-Host "PNG round trip: $agree of 100 predictions agree with the originals"
        $agree | Should -BeGreaterOrEqual 95
    }

    It 'names the file and keeps the 28x28 pixels the model saw' {
        $prediction = Get-MnistPrediction -Model $model -Path "$folder/000.png"
        $prediction.File | Should -Be "$folder/000.png"
        $prediction.Pixels.Count | Should -Be 784
        ($prediction.Pixels | Measure-Object -Maximum).Maximum | Should -BeGreaterThan 200
        $prediction.Index | Should -Be -1
    }

    It 'reads JPEG files too' {
        Write-DigitPicture -Pixels $originals[0].Pixels -Path "$folder/seven.jpg" -Format Jpeg
        (Get-MnistPrediction -Model $model -Path "$folder/seven.jpg").Predicted | Should -Be 7
    }

    It 'takes a file name with brackets literally' {
        Copy-Item -LiteralPath "$folder/000.png" -Destination "$folder/digit[0].png"
        (Get-MnistPrediction -Model $model -Path "$folder/digit[0].png").File | Should -BeLike '*digit`[0`].png'
        Remove-Item -LiteralPath "$folder/digit[0].png"
    }

    It 'expands wildcards in -Path' {
        @(Get-MnistPrediction -Model $model -Path "$folder/00*.png").Count | Should -Be 10
    }
}

Describe 'Get-MnistPrediction on bad picture files' {
    BeforeAll {
        $model = New-MnistModel -Seed 1
        $folder = New-TestFolder
        Set-Content "$folder/a-not-an-image.png" 'just text'
        $seven = Get-MnistPrediction -Model $model -Data (Import-MnistData -TestCount 1) -Split Test -Index 0
        Write-DigitPicture -Pixels $seven.Pixels -Path "$folder/b-digit.png"
    }

    It 'reports an unreadable file as ImageUnreadable, naming it, and goes on with the next' {
        $predictions = Get-ChildItem $folder -Filter *.png | Sort-Object Name |
            Get-MnistPrediction -Model $model -ErrorVariable errors -ErrorAction SilentlyContinue
        @($predictions).Count | Should -Be 1
        $predictions.File | Should -BeLike '*b-digit.png'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ImageUnreadable,*GetMnistPredictionCommand'
        $errors[0].Exception.Message | Should -BeLike '*a-not-an-image.png*'
        $errors[0].TargetObject | Should -BeLike '*a-not-an-image.png'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'reports a missing file as ImageNotFound and goes on' {
        $predictions = Get-MnistPrediction -Model $model -Path "$folder/missing.png", "$folder/b-digit.png" -ErrorVariable errors -ErrorAction SilentlyContinue
        @($predictions).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        $errors[0].Exception.Message | Should -BeLike '*missing.png*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a wildcard that matches nothing' {
        Get-MnistPrediction -Model $model -Path "$folder/*.gif" -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
    }

    It 'stops on the first bad file with -ErrorAction Stop' {
        { Get-MnistPrediction -Model $model -Path "$folder/a-not-an-image.png" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ImageUnreadable,*'
    }
}

Describe 'Get-MnistPrediction on many picture files' {
    BeforeAll {
        $model = New-MnistModel -Seed 1
        $folder = New-TestFolder
        $digits = Get-MnistPrediction -Model $model -Data (Import-MnistData -TestCount 40) -Split Test -Index (0..39)
        $random = [System.Random]::new(3)
        foreach ($index in 0..39) {
            $name = '{0}/{1:D2}-digit.png' -f $folder, $index
            # Every seventh file is broken, so its error must come in its place among the predictions.
            if ($index % 7 -eq 3) { Set-Content ($name -replace 'digit', 'broken') 'not a picture'; continue }
            Write-DigitPicture -Pixels $digits[$index].Pixels -Path $name -Scale $random.Next(2, 5) -Left $random.Next(0, 40) -Top $random.Next(0, 40)
        }
        $files = (Get-ChildItem $folder -Filter *.png | Sort-Object Name).FullName
        function Get-Origin($item) { if ($item -is [System.Management.Automation.ErrorRecord]) { "error:$($item.TargetObject)" } else { $item.File } }
    }

    It 'writes predictions and per-file errors in the order of the files, in one call and through the pipeline' {
        $expected = $files | ForEach-Object { if ($_ -like '*broken*') { "error:$_" } else { $_ } }
        $oneCall = Get-MnistPrediction -Model $model -LiteralPath $files -ErrorAction Continue 2>&1
        @($oneCall | ForEach-Object { Get-Origin $_ }) | Should -Be $expected
        $piped = Get-ChildItem $folder -Filter *.png | Sort-Object Name | Get-MnistPrediction -Model $model -ErrorAction Continue 2>&1
        @($piped | ForEach-Object { Get-Origin $_ }) | Should -Be $expected
    }

    It 'prepares each file to the same pixels as predicting it on its own' {
        $together = Get-MnistPrediction -Model $model -LiteralPath $files -ErrorAction SilentlyContinue
        foreach ($prediction in $together) {
            $alone = Get-MnistPrediction -Model $model -LiteralPath $prediction.File
            [Convert]::ToHexString($prediction.Pixels) | Should -Be ([Convert]::ToHexString($alone.Pixels))
            $prediction.Probabilities | Should -Be $alone.Probabilities
        }
    }

    It 'predicts each prepared file with the probabilities of its prepared pixels predicted on their own' {
        $together = Get-MnistPrediction -Model $model -LiteralPath $files -ErrorAction SilentlyContinue
        @($together).Count | Should -BeGreaterThan 30
        foreach ($prediction in $together) {
            $fromPixels = Get-MnistPrediction -Model $model -Pixels (, $prediction.Pixels)
            $prediction.Probabilities | Should -Be $fromPixels.Probabilities
            $prediction.Predicted | Should -Be $fromPixels.Predicted
        }
    }

    It 'stops at a bad file in the middle of the pipeline with -ErrorAction Stop, after the predictions before it' {
        $written = [System.Collections.Generic.List[string]]::new()
        { Get-ChildItem $folder -Filter *.png | Sort-Object Name | Get-MnistPrediction -Model $model -ErrorAction Stop | ForEach-Object { $written.Add($_.File) } } |
            Should -Throw -ErrorId 'ImageUnreadable,*'
        $firstBroken = [array]::FindIndex([string[]]$files, [Predicate[string]] { param($f) $f -like '*broken*' })
        $firstBroken | Should -BeGreaterThan 0
        @($written) | Should -Be $files[0..($firstBroken - 1)]
    }

    It 'reads a relative path given by property name from the current location of its own record' {
        $parent = Split-Path $folder -Parent
        $leaf = Split-Path $folder -Leaf
        $records = @(
            [pscustomobject]@{ Location = $folder; LiteralPath = Split-Path $files[0] -Leaf }
            [pscustomobject]@{ Location = $parent; LiteralPath = Join-Path $leaf (Split-Path $files[1] -Leaf) }
        )
        Push-Location $HOME
        try {
            $predictions = $records | ForEach-Object { Set-Location $_.Location; $_ } | Get-MnistPrediction -Model $model
        }
        finally {
            Pop-Location
        }
        @($predictions.File) | Should -Be $files[0..1]
    }

    It 'stops reading ahead when the pipeline wants no more' {
        $first = Get-ChildItem $folder -Filter *-digit.png | Sort-Object Name | Get-MnistPrediction -Model $model | Select-Object -First 3
        @($first).Count | Should -Be 3
        $first[0].File | Should -Be $files[0]
    }
}

Describe 'tools/New-PictureSet.ps1' {
    BeforeAll {
        $tool = Resolve-Path "$PSScriptRoot/../../tools/New-PictureSet.ps1"
        $folder = Join-Path (New-TestFolder) 'set'
    }

    It 'writes pictures of test digits with their true labels, which a model reads through -LiteralPath' {
        $pictures = & $tool -OutputPath $folder -Count 13 -Seed 3 -ModuleManifest $ModuleManifest
        $pictures.Count | Should -Be 13
        @($pictures.Kind | Select-Object -Unique).Count | Should -Be 13
        $manifest = Import-Csv "$folder/labels.csv"
        $manifest.Label | Should -Be ($pictures.Label | ForEach-Object { "$_" })
        $test = Import-MnistData -TestCount 13
        $pictures.Label | Should -Be $test.Test.Labels
        $pictures[0].FullName | Should -BeLike '*00000-Clean-7.*'
        $predictions = Get-MnistPrediction -Model (New-MnistModel -Seed 1) -LiteralPath $pictures.FullName
        $predictions.Count | Should -Be 13
    }

    It 'writes byte-identical files for the same seed' {
        $again = Join-Path (New-TestFolder) 'set'
        $null = & $tool -OutputPath $again -Count 13 -Seed 3 -ModuleManifest $ModuleManifest
        (Get-ChildItem $again | Get-FileHash).Hash | Should -Be (Get-ChildItem $folder | Get-FileHash).Hash
    }

    It 'refuses to replace a set without -Force, and replaces it with -Force' {
        { & $tool -OutputPath $folder -Count 13 -Seed 4 -ModuleManifest $ModuleManifest } | Should -Throw -ErrorId 'FileExists*'
        $before = (Get-FileHash "$folder/00001-Noise-2.*").Hash
        $null = & $tool -OutputPath $folder -Count 13 -Seed 4 -ModuleManifest $ModuleManifest -Force
        (Get-FileHash "$folder/00001-Noise-2.*").Hash | Should -Not -Be $before
    }

    It 'writes nothing with -WhatIf' {
        $none = Join-Path (New-TestFolder) 'whatif'
        & $tool -OutputPath $none -Count 2 -ModuleManifest $ModuleManifest -WhatIf
        Test-Path $none | Should -BeFalse
    }

    It 'refuses a count of <Count>' -ForEach @(@{ Count = 0 }, @{ Count = 10001 }) {
        { & $tool -OutputPath $folder -Count $Count -ModuleManifest $ModuleManifest } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}
