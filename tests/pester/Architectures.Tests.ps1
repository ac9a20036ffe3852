BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
}

Describe 'Custom MLPs' {
    It 'builds several hidden layers with their own dropout' {
        $model = New-MnistModel -HiddenUnits 512, 256 -Dropout 0.3, 0.1 -Activation Tanh -Seed 1
        $model.Layers.Name | Should -Be 'dense', 'dropout', 'dense_1', 'dropout_1', 'dense_2'
        $model.Layers.OutputShape | Should -Be '(None, 512)', '(None, 512)', '(None, 256)', '(None, 256)', '(None, 10)'
        $model.ParameterCount | Should -Be (784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10)
    }

    It 'trains 2 tanh layers with SGD + momentum under a cosine schedule, and History shows the rate' {
        $model = New-MnistModel -HiddenUnits 128, 64 -Activation Tanh -Optimizer Sgd -Momentum 0.9 -LearningRate 0.05 -Schedule Cosine -Seed 3
        $trained = Import-MnistData -TrainCount 6000 -TestCount 1000 | Invoke-MnistTraining -Model $model -Epochs 4 -Quiet
        $rates = $trained.History.LearningRate
        $expected = 0..3 | ForEach-Object { 0.05 * 0.5 * (1 + [math]::Cos([math]::PI * $_ / 4)) }
        for ($i = 0; $i -lt 4; $i++) { [math]::Abs($rates[$i] - $expected[$i]) | Should -BeLessThan 1e-12 -Because "epoch $($i + 1) follows the cosine" }
        $trained.History[-1].Loss | Should -BeLessThan $trained.History[0].Loss
        ($trained | Test-MnistModel).Accuracy | Should -BeGreaterThan 0.85
    }

    It 'halves the rate every epoch with a step schedule (AdamW)' {
        $model = New-MnistModel -HiddenUnits 32 -Optimizer AdamW -Schedule Step -StepSize 1 -StepGamma 0.5 -Seed 3
        $trained = Import-MnistData -TrainCount 1000 -TestCount 100 | Invoke-MnistTraining -Model $model -Epochs 3 -Quiet
        $trained.History.LearningRate | Should -Be 0.001, 0.0005, 0.00025
    }
}

Describe 'The CNN' {
    It 'shows the Keras summary of the two-conv network: 1,199,882 parameters' {
        $model = New-MnistModel -Architecture Cnn -Seed 1
        $model.Layers.Type | Should -Be 'Conv2D', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dropout', 'Dense'
        $model.Layers.OutputShape | Should -Be '(None, 26, 26, 32)', '(None, 24, 24, 64)', '(None, 12, 12, 64)',
            '(None, 12, 12, 64)', '(None, 9216)', '(None, 128)', '(None, 128)', '(None, 10)'
        $model.Layers.Parameters | Should -Be 320, 18496, 0, 0, 0, 1179776, 0, 1290
        $model.ParameterCount | Should -Be 1199882
        ($model | Out-String) | Should -BeLike '*Total params: 1,199,882*'
    }

    It 'brings its own recipe (Adam 0.003 through one cycle, batch 64, augmented batches) and explicit parameters win' {
        $model = New-MnistModel -Architecture Cnn -Seed 1
        $model.Schedule | Should -Be 'OneCycle'
        $model.LearningRate | Should -Be 0.003
        $model.BatchSize | Should -Be 64
        $model.Betas | Should -Be 0.9, 0.999
        ($model | Out-String) | Should -BeLike '*batch size 64, schedule OneCycle, augmented batches*'
        $model.Spec.Augment | Should -BeTrue
        (New-MnistModel).Spec.Augment | Should -BeFalse
        (New-MnistModel -Architecture Cnn -Schedule Cosine -LearningRate 0.002 -BatchSize 128).Spec |
            Select-Object Schedule, LearningRate, BatchSize | Should -BeLike '*Cosine*0.002*128*'
        (New-MnistModel).Spec.Schedule | Should -Be 'Constant'
    }

    It 'learns on a slice with its default recipe, in batches of 64, the rate ending near zero' {
        $trained = Import-MnistData -TrainCount 3200 -TestCount 500 |
            Invoke-MnistTraining -Model (New-MnistModel -Architecture Cnn -Seed 1) -Epochs 2 -Quiet
        $trained.History.Samples | Should -Be 2880, 2880
        $trained.History | ForEach-Object { $_.Augmented | Should -BeTrue }
        $trained.History[-1].Loss | Should -BeLessThan $trained.History[0].Loss
        $trained.History[-1].LearningRate | Should -BeLessThan 0.0003
        $trained.History[-1].ValAccuracy | Should -BeGreaterThan 0.9
        ($trained | Test-MnistModel).Accuracy | Should -BeGreaterThan 0.9
    }

    It 'trains without augmentation when told -Augment:$false' {
        $trained = Import-MnistData -TrainCount 640 -TestCount 100 |
            Invoke-MnistTraining -Model (New-MnistModel -Architecture Cnn -Seed 1) -Epochs 1 -Augment:$false -Quiet
        $trained.History[0].Augmented | Should -BeFalse
        $trained.Augmentation | Should -BeNullOrEmpty
    }
}

Describe 'FastCnn' {
    It 'shows the Keras summary of the fast CNN and its own training defaults' {
        $model = New-MnistModel -Architecture FastCnn -Seed 1
        $model.Layers.Type | Should -Be 'Normalization', 'Conv2D', 'MaxPooling2D', 'Activation', 'Conv2D', 'MaxPooling2D', 'Activation', 'Flatten', 'Dense', 'Dense'
        $model.Layers.OutputShape | Should -Be '(None, 28, 28, 1)', '(None, 24, 24, 24)', '(None, 12, 12, 24)', '(None, 12, 12, 24)',
            '(None, 10, 10, 32)', '(None, 5, 5, 32)', '(None, 5, 5, 32)', '(None, 800)', '(None, 256)', '(None, 10)'
        $model.LayerDefinitions | Should -Be 'Normalization(mean=0.1307, std=0.3081)', 'Conv2D(24, 5, kernel_initializer=torch_default)', 'MaxPooling2D(2)',
            'Activation(relu)', 'Conv2D(32, 3, kernel_initializer=torch_default)', 'MaxPooling2D(2)', 'Activation(relu)', 'Flatten',
            'Dense(256, activation=relu, kernel_initializer=torch_default)', 'Dense(10, activation=softmax, kernel_initializer=torch_default)'
        $model.ParameterCount | Should -Be (24 * 25 + 24 + 32 * 24 * 9 + 32 + 800 * 256 + 256 + 2570)
        $model.BatchSize | Should -Be 256
        $model.Betas | Should -Be 0.7, 0.9
        $model.Schedule | Should -Be 'OneCycle'
        $model.LearningRate | Should -Be 0.01
        $summary = $model | Out-String
        $summary | Should -BeLike '*betas 0.7, 0.9*'
        $summary | Should -BeLike '*batch size 256, schedule OneCycle*'
    }

    It 'lets explicit parameters win over its defaults, one by one' {
        $model = New-MnistModel -Architecture FastCnn -LearningRate 0.005 -BatchSize 64 -Betas 0.9, 0.99 -Schedule Constant -Seed 1
        $model.LearningRate | Should -Be 0.005
        $model.BatchSize | Should -Be 64
        $model.Betas | Should -Be 0.9, 0.99
        $model.Schedule | Should -Be 'Constant'
        (New-MnistModel -Seed 1).BatchSize | Should -Be 128
        (New-MnistModel -Seed 1).Betas | Should -Be 0.9, 0.999
    }

    It 'learns on a slice with its defaults, moving the rate per batch through one cycle' {
        $trained = Import-MnistData -TrainCount 5120 -TestCount 1000 |
            Invoke-MnistTraining -Model (New-MnistModel -Architecture FastCnn -Seed 1) -Epochs 2 -ValidationSplit 0 -Quiet
        $trained.History[0].Samples | Should -Be 5120
        $trained.History[-1].Loss | Should -BeLessThan $trained.History[0].Loss
        # The rate of the last batch: near the end of the cycle, far below the peak of 0.01.
        $trained.History[-1].LearningRate | Should -BeLessThan 0.001
        ($trained | Test-MnistModel).Accuracy | Should -BeGreaterThan 0.9
    }

    It 'trains with a batch size given to Invoke-MnistTraining instead of its own' {
        $trained = Import-MnistData -TrainCount 600 -TestCount 100 |
            Invoke-MnistTraining -Model (New-MnistModel -Architecture FastCnn -Seed 1) -Epochs 1 -BatchSize 100 -ValidationSplit 0 -Quiet
        $trained.History[0].Samples | Should -Be 600
    }

    It 'refuses betas outside [0, 1) and a wrong number of them' {
        { New-MnistModel -Architecture FastCnn -Betas 0.9 } | Should -Throw
        { New-MnistModel -Architecture FastCnn -Betas 0.9, 1.5 } | Should -Throw
    }
}
