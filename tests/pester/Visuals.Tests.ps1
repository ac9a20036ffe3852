BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    Use-ModuleAssembly SkiaSharp

    $script:data = Import-MnistData -TrainCount 3000 -TestCount 500
    $script:first = $data | Get-MnistSample -Index 0
    $script:folder = New-TestFolder

    # The notebook's first nine training labels.
    $script:firstNineLabels = 5, 0, 4, 1, 9, 2, 1, 3, 1

    function Get-SvgText([string] $Path) {
        ([xml](Get-Content $Path -Raw)).svg.GetElementsByTagName('text') | ForEach-Object { $_.InnerText.Trim() }
    }

    # Image cells of a grid PNG start below a 26-pixel title band and 10 pixels in from the cell edge, and an
    # MNIST image's corner is always black: one black corner per drawn cell.
    function Get-GridCellCount([string] $Path, [int] $Columns, [int] $Rows) {
        $bitmap = [SkiaSharp.SKBitmap]::Decode($Path)
        try {
            $cell = $bitmap.Width / $Columns
            $count = 0
            foreach ($row in 0..($Rows - 1)) {
                foreach ($column in 0..($Columns - 1)) {
                    $pixel = $bitmap.GetPixel([int]($column * $cell + 12), [int]($row * ($cell + 26) + 28))
                    if ($pixel.Red -lt 8 -and $pixel.Green -lt 8 -and $pixel.Blue -lt 8) { $count++ }
                }
            }
            $count
        } finally { $bitmap.Dispose() }
    }
}

AfterAll {
    Remove-Item $folder -Recurse -Force -ErrorAction Ignore
}

Describe 'Get-MnistSample' {
    It 'gives the notebook''s first nine training images with Import-MnistData | Get-MnistSample -Index 0..8' {
        $samples = Import-MnistData | Get-MnistSample -Index 0..8
        $samples.Count | Should -Be 9
        $samples[0] | Should -BeOfType ([Mnist.Core.Data.MnistSample])
        $samples.Label | Should -Be $firstNineLabels
        $samples.Index | Should -Be (0..8)
        $samples[0].Split | Should -Be 'Train'
        $samples[0].Pixels.Count | Should -Be 784
        $samples[0].Pixels | Should -Be $data.Train.Pixels[0..783]
    }

    It 'gives the first training image when no index is given' {
        ($data | Get-MnistSample).Label | Should -Be 5
    }

    It 'reads the test split with -Split Test, and a split given directly' {
        ($data | Get-MnistSample -Index 0 -Split Test).Label | Should -Be 7
        (Import-MnistData -Split Test | Get-MnistSample -Index 0).Split | Should -Be 'Test'
    }

    It 'takes -Index and -Split by property name from the pipeline' {
        $picked = [pscustomobject]@{ Index = 1; Split = 'Test' } | Get-MnistSample -Data $data
        $picked.Split | Should -Be 'Test'
        $picked.Label | Should -Be 2
    }

    It 'gives the first samples of each -Label, -Count per label' {
        $samples = $data | Get-MnistSample -Label 3, 7 -Count 2
        $samples.Label | Should -Be @(3, 3, 7, 7)
    }

    It 'gives the first -Count samples' {
        ($data | Get-MnistSample -Count 9).Label | Should -Be $firstNineLabels
    }

    It 'draws -Random samples, the same ones for the same -Seed' {
        $a = $data | Get-MnistSample -Random -Count 5 -Seed 11
        $b = $data | Get-MnistSample -Random -Count 5 -Seed 11
        $a.Count | Should -Be 5
        $b.Index | Should -Be $a.Index
        ($a.Index | Sort-Object -Unique).Count | Should -Be 5
    }

    It 'draws random samples of one label' {
        ($data | Get-MnistSample -Label 8 -Random -Count 4 -Seed 1).Label | Should -Be @(8, 8, 8, 8)
    }

    It 'rejects an index outside the split' {
        $err = { $data | Get-MnistSample -Index 3000 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'IndexOutOfRange,Mnist.Cmdlets.Commands.GetMnistSampleCommand'
        $err.Exception.Message | Should -BeLike '*3000*0-2999*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'rejects <Case>' -TestCases @(
        @{ Case = 'a negative index'; Arguments = @{ Index = -1 }; ErrorId = 'ParameterArgumentValidationError,*' }
        @{ Case = 'an index that is not a number'; Arguments = @{ Index = 'x..y' }; ErrorId = 'ParameterArgumentTransformationError,*' }
        @{ Case = 'a count of zero'; Arguments = @{ Random = $true; Count = 0 }; ErrorId = 'ParameterArgumentValidationError,*' }
        @{ Case = 'an unknown split'; Arguments = @{ Split = 'Validation' }; ErrorId = 'ParameterArgumentValidationError,*' }
        @{ Case = 'a seed without -Random'; Arguments = @{ Seed = 1 }; ErrorId = 'SeedWithoutRandom,Mnist.Cmdlets.Commands.GetMnistSampleCommand' }
        @{ Case = 'a label that is not a class'; Arguments = @{ Label = 10 }; ErrorId = 'LabelOutOfRange,Mnist.Cmdlets.Commands.GetMnistSampleCommand' }
        @{ Case = 'more random samples than the split has'; Arguments = @{ Random = $true; Count = 3001 }; ErrorId = 'CountTooLarge,Mnist.Cmdlets.Commands.GetMnistSampleCommand' }
    ) {
        { $data | Get-MnistSample @Arguments } | Should -Throw -ErrorId $ErrorId
    }

    It 'rejects data that is not a dataset or a split' {
        { 'digits' | Get-MnistSample } | Should -Throw -ErrorId 'InvalidDataArgument,Mnist.Cmdlets.Commands.GetMnistSampleCommand'
    }

    It 'rejects -Split that contradicts the split given' {
        { $data.Test | Get-MnistSample -Split Train } | Should -Throw -ErrorId 'SplitMismatch,Mnist.Cmdlets.Commands.GetMnistSampleCommand'
    }
}

Describe 'Show-MnistImage' {
    It 'draws the 5''s strokes where the pixels have ink' {
        $lines = $first | Show-MnistImage -Ascii
        $lines.Count | Should -Be 29
        foreach ($r in 0..27) {
            foreach ($c in 0..27) {
                $hasInk = $first.Pixels[$r * 28 + $c] -gt [Mnist.Core.Rendering.AsciiRamp]::BlankUpTo
                ($lines[$r][$c] -ne ' ') | Should -Be $hasInk -Because "row $r, column $c"
            }
        }
        $lines[28].Trim() | Should -Be '5'
    }

    It 'draws grey half blocks whose colours decode back to the pixel rows' {
        $lines = $first | Show-MnistImage -Color
        $lines.Count | Should -Be 15
        foreach ($line in 0..13) {
            $cells = [regex]::Matches($lines[$line], "`e\[38;2;(\d+);\d+;\d+m`e\[48;2;(\d+);\d+;\d+m▀")
            $cells.Count | Should -Be 28
            $top = $cells | ForEach-Object { [int]$_.Groups[1].Value }
            $bottom = $cells | ForEach-Object { [int]$_.Groups[2].Value }
            $top | Should -Be $first.Pixels[(2 * $line * 28)..(2 * $line * 28 + 27)]
            $bottom | Should -Be $first.Pixels[((2 * $line + 1) * 28)..((2 * $line + 1) * 28 + 27)]
        }
    }

    It 'draws the notebook''s 3x3 grid with a label under each image' {
        $lines = Import-MnistData | Get-MnistSample -Index 0..8 | Show-MnistImage -Ascii -Columns 3
        $lines.Count | Should -Be (3 * 29 + 2)
        $titles = $lines[28], $lines[58], $lines[88] | ForEach-Object { -split $_ }
        $titles | Should -Be $firstNineLabels
    }

    It 'puts -Columns images side by side' {
        $lines = $data | Get-MnistSample -Index 0..3 | Show-MnistImage -Ascii -Columns 4
        $lines.Count | Should -Be 29
        -split $lines[28] | Should -Be @(5, 0, 4, 1)
    }

    It 'titles a prediction with what was predicted and the true class' {
        $prediction = [Mnist.Core.Evaluation.MnistPrediction]@{ Predicted = 3; Label = 5; Pixels = $first.Pixels }
        ($prediction | Show-MnistImage -Ascii)[-1].Trim() | Should -Be 'Predicted 3, Class 5'
    }

    It 'prints the pixel values with -Numbers' {
        $lines = $first | Show-MnistImage -Numbers
        [int[]](-split $lines[14]) | Should -Be $first.Pixels[(14 * 28)..(14 * 28 + 27)]
    }

    It 'uses plain characters when NO_COLOR is set' {
        $env:NO_COLOR = '1'
        try { $lines = $first | Show-MnistImage } finally { Remove-Item Env:NO_COLOR }
        ($lines -join "`n") | Should -Not -Match "`e\["
        $lines.Count | Should -Be 29
    }

    It 'reports what is not an image and draws the rest' {
        $lines = @($first, 'not an image') | Show-MnistImage -Ascii -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'NotAnImage,Mnist.Cmdlets.Commands.ShowMnistImageCommand'
        $lines.Count | Should -Be 29
    }

    It 'rejects -Columns 0 and more than one style' {
        { $first | Show-MnistImage -Columns 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { $first | Show-MnistImage -Ascii -Color } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
}

Describe 'Export-MnistChart' {
    BeforeAll {
        $script:model = $data | Invoke-MnistTraining -Epochs 2 -Seed 1 -Quiet
        $script:evaluation = $model | Test-MnistModel
        $script:predictions = $model | Get-MnistPrediction -Index (0..99)
    }

    It 'writes the 3x3 sample grid as a PNG with nine image cells' {
        $file = Import-MnistData | Get-MnistSample -Index 0..8 | Export-MnistChart "$folder/samples.png" -PassThru
        $file | Should -BeOfType ([System.IO.FileInfo])
        $bitmap = [SkiaSharp.SKBitmap]::Decode($file.FullName)
        $bitmap.Width | Should -Be 450
        $bitmap.Height | Should -BeGreaterThan 450
        $bitmap.Dispose()
        Get-GridCellCount $file.FullName -Columns 3 -Rows 3 | Should -Be 9
    }

    It 'writes a grid of right and wrong predictions titled "Predicted p, Class c"' {
        $right = $predictions | Where-Object IsCorrect | Select-Object -First 4
        $wrong = $predictions | Where-Object IsCorrect -EQ $false | Select-Object -First 2
        @($right) + @($wrong) | Export-MnistChart "$folder/predictions.svg" -Columns 4
        $titles = Get-SvgText "$folder/predictions.svg"
        $titles.Count | Should -Be 6
        $titles | Should -Be (@($right) + @($wrong)).Title
        $titles[0] | Should -Be 'Predicted 7, Class 7'
        @($right) + @($wrong) | Export-MnistChart "$folder/predictions.png" -Columns 4
        Get-GridCellCount "$folder/predictions.png" -Columns 4 -Rows 2 | Should -Be 6
    }

    It 'titles a Fashion-MNIST prediction grid within each tile, "Predicted Ankle boot, Class Ankle boot" included' {
        $fashion = Import-MnistData -Path /usr/share/datasets/fashion-mnist -TrainCount 600 -TestCount 100
        $fashionModel = $fashion | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet
        $shown = $fashionModel | Get-MnistPrediction -Index (0..11)
        $shown.Title | Should -Contain 'Predicted Ankle boot, Class Ankle boot'   # test image 0 is a boot
        $shown | Export-MnistChart "$folder/fashion.png" -Columns 4
        $bitmap = [SkiaSharp.SKBitmap]::Decode("$folder/fashion.png")
        try {
            # Titles are the only coloured pixels (green when right, red when wrong; images are grey on white).
            $pixels = $bitmap.Pixels
            $width = $bitmap.Width
            $cell = $width / 4
            function Test-TitleInk([int] $x, [int] $y) { $p = $pixels[$y * $width + $x]; [math]::Abs($p.Red - $p.Green) -ge 40 }
            # No title ink within 2 pixels of a tile's edge, on any row: a title that ran over would cross one.
            $edges = 0..4 | ForEach-Object { [int]($_ * $cell) } | ForEach-Object { ($_ - 2)..($_ + 1) } | Where-Object { $_ -ge 0 -and $_ -lt $width }
            foreach ($x in $edges) {
                foreach ($y in 0..($bitmap.Height - 1)) {
                    Test-TitleInk $x $y | Should -BeFalse -Because "title ink at x=$x, y=$y touches the edge of a tile"
                }
            }
            # And every tile of the first row has its title.
            foreach ($tile in 0..3) {
                $found = $false
                foreach ($x in ([int]($tile * $cell) + 2)..([int](($tile + 1) * $cell) - 3)) {
                    foreach ($y in 0..40) { if (Test-TitleInk $x $y) { $found = $true; break } }
                    if ($found) { break }
                }
                $found | Should -BeTrue -Because "tile $tile has a title"
            }
        } finally { $bitmap.Dispose() }
    }

    # What the charts hold is specified in tests/unit/ChartTests.cs; here, what the cmdlet adds: which chart the
    # input makes, and -Width, -Height and -Kind.
    It 'writes the training history of a model at -Width and -Height' {
        $model | Export-MnistChart "$folder/history.png" -Width 800 -Height 300
        $bitmap = [SkiaSharp.SKBitmap]::Decode("$folder/history.png")
        $bitmap.Width, $bitmap.Height | Should -Be @(800, 300)
        $bitmap.Dispose()
        $model | Export-MnistChart "$folder/history.svg"
        Get-SvgText "$folder/history.svg" | Should -Contain 'Model accuracy'
    }

    It 'writes the confusion matrix of an evaluation, and of a model''s last evaluation with -Kind ConfusionMatrix' {
        $evaluation | Export-MnistChart "$folder/confusion.svg"
        Get-SvgText "$folder/confusion.svg" | Should -Contain "$($evaluation.ConfusionMatrix[0][0])"
        $model | Export-MnistChart "$folder/confusion.png" -Kind ConfusionMatrix
        $bitmap = [SkiaSharp.SKBitmap]::Decode("$folder/confusion.png")
        $bitmap.Width, $bitmap.Height | Should -Be @(720, 660)
        $bitmap.Dispose()
    }

    It 'refuses to overwrite without -Force, and overwrites with it' {
        Set-Content "$folder/taken.png" 'keep me'
        $err = { $first | Export-MnistChart "$folder/taken.png" } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'FileExists,Mnist.Cmdlets.Commands.ExportMnistChartCommand'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content "$folder/taken.png" | Should -Be 'keep me'
        $first | Export-MnistChart "$folder/taken.png" -Force
        [SkiaSharp.SKBitmap]::Decode("$folder/taken.png") | Should -Not -BeNullOrEmpty
    }

    It 'writes nothing with -WhatIf' {
        $first | Export-MnistChart "$folder/whatif.png" -WhatIf
        "$folder/whatif.png" | Should -Not -Exist
    }

    It 'leaves no temporary file behind' {
        Get-ChildItem $folder -Force -Filter '*.tmp' | Should -BeNullOrEmpty
    }

    It 'rejects <Case>' -TestCases @(
        @{ Case = 'an extension other than .png or .svg'; Make = { $first | Export-MnistChart "$folder/chart.jpg" }; ErrorId = 'UnsupportedChartFormat' }
        @{ Case = 'a folder that does not exist'; Make = { $first | Export-MnistChart "$folder/none/chart.png" }; ErrorId = 'FolderNotFound' }
        @{ Case = 'an untrained model'; Make = { New-MnistModel | Export-MnistChart "$folder/untrained.png" }; ErrorId = 'NoHistory' }
        @{ Case = 'a model never evaluated, for a confusion matrix'; Make = { New-MnistModel | Export-MnistChart "$folder/c.png" -Kind ConfusionMatrix }; ErrorId = 'NoEvaluation' }
        @{ Case = 'samples for a history chart'; Make = { $first | Export-MnistChart "$folder/h.png" -Kind History }; ErrorId = 'WrongChartInput' }
        @{ Case = 'two evaluations for one confusion matrix'; Make = { $evaluation, $evaluation | Export-MnistChart "$folder/two.png" }; ErrorId = 'TooManyChartInputs' }
        @{ Case = 'something that is not an image in a grid'; Make = { 'text' | Export-MnistChart "$folder/text.png" }; ErrorId = 'NotAnImage' }
    ) {
        $Make | Should -Throw -ErrorId "$ErrorId,Mnist.Cmdlets.Commands.ExportMnistChartCommand"
    }

    It 'rejects a width out of range' {
        { $first | Export-MnistChart "$folder/w.png" -Width 10 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Format views' {
    BeforeAll {
        $script:model = $data | Invoke-MnistTraining -Epochs 1 -Seed 3 -Quiet
        $script:evaluation = $model | Test-MnistModel
    }

    It 'shows <Name> with its columns' -TestCases @(
        @{ Name = 'a dataset'; Make = { $data }; Expected = @('Name', 'Train', 'Test', 'ImageShape', 'LabelEncoding', 'Source', '3,000') }
        @{ Name = 'a split'; Make = { $data.Test }; Expected = @('Split', 'Count', 'Shape', 'LabelEncoding', 'ClassNames', '500x28x28') }
        @{ Name = 'a model'; Make = { $model }; Expected = @('Layer (type)', 'Output Shape', 'Param #', 'Total params: 407,050', 'Trained: 1 epochs') }
        @{ Name = 'the history'; Make = { $model.History }; Expected = @('Epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'Seconds') }
        @{ Name = 'an evaluation'; Make = { $evaluation }; Expected = @('Accuracy', 'Loss', 'Count', 'Errors', 'MacroF1', 'Split') }
        @{ Name = 'a prediction'; Make = { $model | Get-MnistPrediction -Index 0 }; Expected = @('Image', 'Predicted', 'Confidence', 'IsCorrect', 'Test[0]') }
        @{ Name = 'a sample'; Make = { $first }; Expected = @('Split', 'Index', 'Label', 'Class', 'Ink', 'Train', '28x28') }
    ) {
        $text = & $Make | Out-String -Width 200
        foreach ($column in $Expected) { $text | Should -BeLike "*$([WildcardPattern]::Escape($column))*" }
    }

    It 'lists an evaluation with its confusion matrix and per-class table' {
        $text = $evaluation | Format-List | Out-String -Width 200
        $text | Should -Match 'ConfusionMatrix : true\\pred\s+0\s+1'
        $text | Should -Match 'Class Name Support Precision Recall'
        foreach ($class in 0..9) { $text | Should -Match "(?m)^\s+$class\s+$class\s+\d+\s+0\.\d{4}" }
    }
}
