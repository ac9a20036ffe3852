@{
    Synopsis    = 'Builds and compiles a classifier: by default the notebook''s Dense(512)-ReLU-Dropout(0.2)-Dense(10) with Adam.'
    Description = @'
New-MnistModel is the notebook's Sequential([...]) and compile(...) in one step. The default model has one hidden
Dense layer of 512 units with ReLU, Dropout(0.2), and a Dense output of 10 classes: 407,050 parameters, trained
with Adam (learning rate 0.001) on categorical cross-entropy. Its default view is the Keras summary table.

-Architecture Cnn builds the classic two-convolution network instead. Weights are initialised (Glorot uniform, as
Keras does) from the model's own random generator seeded by -Seed, so the same seed gives the same weights, and
two models trained at the same time do not disturb each other's randomness.
'@
    Parameters  = @{
        Architecture = 'Mlp (dense layers, the notebook''s model) or Cnn (two convolutions, max pooling, dropout 0.25 and 0.5, Dense 128).'
        HiddenUnits  = 'Units of each hidden dense layer, 1 to 65536 each, up to 16 layers. Defaults to 512 (one layer) for Mlp, 128 for Cnn.'
        Dropout      = 'Dropout rate after each hidden layer, 0 to 0.95: one rate for all layers, or one per layer. Defaults to 0.2 for Mlp; 0.25 and 0.5 for Cnn.'
        Activation   = 'The hidden layers'' activation: Relu, Tanh, Sigmoid, Gelu, Elu or LeakyRelu.'
        Optimizer    = 'Adam, AdamW, Sgd or RmsProp.'
        LearningRate = 'The optimizer''s learning rate, a positive number from 1e-8 to 10. Defaults to 0.001 (the notebook''s Adam) for an MLP and 0.002 for the CNN. NaN, zero and negative values are rejected.'
        Momentum     = 'Momentum for Sgd, 0 to 0.999. Ignored by the other optimizers.'
        WeightDecay  = 'L2 weight decay, 0 to 1. AdamW uses 0.01 when this is 0.'
        Schedule     = 'How the learning rate changes over the epochs: Constant, Step (multiplied by -StepGamma every -StepSize epochs) or Cosine (cosine decay over the epochs of one training run). Defaults to Constant for an MLP and Cosine for the CNN.'
        StepSize     = 'For -Schedule Step: epochs between rate changes, 1 to 1000.'
        StepGamma    = 'For -Schedule Step: the factor applied to the rate, 0.0001 to 1.'
        Classes      = 'Number of output classes, 2 to 1000. It must match the data the model is trained on.'
        Seed         = 'Seed (0 or more) for weight initialisation, shuffling and dropout. Without it a random seed is chosen and recorded on the model.'
        ClassNames   = 'What the model''s outputs mean, in label order (-ClassNames ''cat'', ''dog''), or the name of a known dataset for its classes (-ClassNames fashion-mnist). Sets -Classes to their number unless it is given. Without it the model takes the class names of the data of its first training. Predictions are named from these.'
        Name         = 'A name for the model, shown in tables, evaluations and predictions and kept in its file. By default the architecture, hidden layers and seed (mlp-512#42).'
    }
    Defaults    = @{ Seed = 'A random seed, recorded on the model' }
    Inputs      = @('None: New-MnistModel takes no pipeline input.')
    Outputs     = @('Mnist.Core.Modeling.MnistModel: an untrained model, shown as the Keras summary table.')
    Examples    = @(
        @{ Code = 'New-MnistModel -Seed 42'; Remarks = 'Builds the notebook''s model and shows its summary: dense (None, 512) 401,920; dropout; dense_1 (None, 10) 5,130; total 407,050 parameters.' }
        @{ Code = 'New-MnistModel -HiddenUnits 256, 128 -Dropout 0.3 -Optimizer Sgd -LearningRate 0.01 -Momentum 0.9'; Remarks = 'Builds a deeper dense model trained with SGD and momentum.' }
        @{ Code = @'
$model = New-MnistModel -Architecture Cnn -Seed 1
Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Model $model -Epochs 1 -Quiet | Test-MnistModel
'@; Remarks = 'Builds the convolutional network, trains it one epoch on a small slice and evaluates it.'; NotRunByTests = 'a CNN epoch takes most of a minute on 2 cores' }
    )
}
