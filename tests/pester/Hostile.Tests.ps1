# Files made by someone else (a model from another machine, a picture from a web form, data from a mirror): each
# is refused with the module's documented error naming the file, the next file goes on, and the process survives.
# The memory these files cost is measured by bench/Measure-HostileInput.ps1.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest

    $script:folder = New-TestFolder
    $script:good = Join-Path $folder 'good.mnist'
    $trained = Import-MnistData -TrainCount 600 -TestCount 100 |
        Invoke-MnistTraining -Model (New-MnistModel -Seed 3 -HiddenUnits 32) -Epochs 1 -ValidationSplit 0 -Quiet
    $trained | Export-MnistModel -Path $good

    . "$PSScriptRoot/HostileFiles.ps1"

    function Get-PeakMemoryOfChild([string] $Script) {
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command $Script 2>&1 | Out-String
        $output
    }
}

Describe 'Import-MnistModel given hostile model files' {
    It 'reports <Case> with <ErrorId>, naming the file, and imports the next file of the same call' -TestCases @(
        @{ Case = 'a model.json with a null layer list'; ErrorId = 'ModelFileCorrupt'; Entry = 'model.json'
            Change = { param($bytes, $out) $t = [Text.Encoding]::UTF8.GetString($bytes) -replace '"HiddenUnits": \[[^\]]*\]', '"HiddenUnits": null'; $b = [Text.Encoding]::UTF8.GetBytes($t); $out.Write($b, 0, $b.Length) } }
        @{ Case = 'a NaN learning rate'; ErrorId = 'ModelFileCorrupt'; Entry = 'model.json'
            Change = { param($bytes, $out) $t = [Text.Encoding]::UTF8.GetString($bytes) -replace '"LearningRate": [0-9.e-]+', '"LearningRate": "NaN"'; $b = [Text.Encoding]::UTF8.GetBytes($t); $out.Write($b, 0, $b.Length) } }
        @{ Case = 'an unknown optimizer'; ErrorId = 'ModelFileCorrupt'; Entry = 'model.json'
            Change = { param($bytes, $out) $t = [Text.Encoding]::UTF8.GetString($bytes) -replace '"Optimizer": "Adam"', '"Optimizer": 9'; $b = [Text.Encoding]::UTF8.GetBytes($t); $out.Write($b, 0, $b.Length) } }
        @{ Case = 'a layer of a billion units'; ErrorId = 'ModelFileCorrupt'; Entry = 'model.json'
            Change = { param($bytes, $out) $t = [Text.Encoding]::UTF8.GetString($bytes) -replace '"HiddenUnits": \[[^\]]*\]', '"HiddenUnits": [1000000000]'; $b = [Text.Encoding]::UTF8.GetBytes($t); $out.Write($b, 0, $b.Length) } }
        @{ Case = 'a truncated optimizer state'; ErrorId = 'ModelFileCorrupt'; Entry = 'optimizer.bin'
            Change = { param($bytes, $out) $out.Write($bytes, 0, $bytes.Length - 64) } }
        @{ Case = 'weights that inflate to 64 MB'; ErrorId = 'ModelFileTooLarge'; Entry = 'weights.bin'
            Change = { param($bytes, $out) $zeros = [byte[]]::new(1MB); foreach ($i in 1..64) { $out.Write($zeros, 0, $zeros.Length) } } }
    ) {
        $path = New-HostileModel -Folder $folder -GoodModel $good "bad-$ErrorId-$([guid]::NewGuid().ToString('N')).mnist" $Entry $Change
        $models = Import-MnistModel $path, $good -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "$ErrorId,Mnist.Cmdlets.Commands.ImportMnistModelCommand"
        $errors[0].TargetObject | Should -Be $path
        $errors[0].Exception.Message | Should -BeLike "*$path*"
        @($models).Count | Should -Be 1
        $models[0].FilePath | Should -Be $good
    }

    It 'survives a generator state libtorch would abort the process on (checked in a child process)' {
        $path = New-HostileModel -Folder $folder -GoodModel $good 'bad-generator.mnist' 'generator.bin' {
            param($bytes, $out)
            [BitConverter]::GetBytes([int]0).CopyTo($bytes, 8)   # the Mersenne Twister's 'left' counter: 0 is invalid
            $out.Write($bytes, 0, $bytes.Length)
        }
        $script = "Import-Module '$ModuleManifest'; `$m = Import-MnistModel '$path', '$good' -ErrorVariable e -ErrorAction SilentlyContinue; " +
            "'ids=' + (`$e.FullyQualifiedErrorId -join ';'); 'imported=' + @(`$m).Count; 'alive'"
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match 'ids=ModelFileCorrupt,'
        $output | Should -Match 'imported=1'
        $output | Should -Match 'alive'
    }
}
