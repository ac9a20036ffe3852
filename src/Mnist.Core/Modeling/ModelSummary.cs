using System.Text;

namespace Mnist.Core.Modeling;

/// <summary>Formats a model like Keras' model.summary().</summary>
public static class ModelSummary
{
    public static string Format(MnistModel model)
    {
        const int shapeWidth = 24, paramWidth = 14;
        int nameWidth = Math.Max(30, model.Layers.Max(l => l.Name.Length + l.Type.Length + 4));
        var rule = new string('─', nameWidth + shapeWidth + paramWidth);
        var heavy = new string('━', nameWidth + shapeWidth + paramWidth);
        var text = new StringBuilder();
        text.AppendLine($"Model: \"{model.Name}\" ({model.Architecture}, input {model.InputShape}, {model.ClassNames.Count} classes)");
        text.AppendLine(heavy);
        text.AppendLine("Layer (type)".PadRight(nameWidth) + $"{"Output Shape",-shapeWidth}{"Param #",paramWidth}");
        text.AppendLine(heavy);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var name = $"{layer.Name} ({layer.Type})";
            text.AppendLine(name.PadRight(nameWidth) + $"{layer.OutputShape,-shapeWidth}{layer.Parameters,paramWidth:N0}");
            text.AppendLine(i == model.Layers.Count - 1 ? heavy : rule);
        }
        text.AppendLine(" Shapes: channels-last, as Keras prints them (the network runs channels-first)");
        text.AppendLine($" Total params: {model.ParameterCount:N0}");
        text.AppendLine($" Trainable params: {model.TrainableParameterCount:N0}");
        text.AppendLine($" Non-trainable params: {model.NonTrainableParameterCount:N0}");
        text.AppendLine($" Optimizer: {model.Optimizer} ({Hyperparameters(model.Spec)}), loss: {model.Loss}, output: softmax");
        text.Append($" Training defaults: batch size {model.BatchSize}, schedule {model.Schedule}{(model.Spec.Augment ? ", augmented batches" : "")}");
        return text.ToString();
    }

    private static string Hyperparameters(ModelSpec spec)
    {
        var rate = FormattableString.Invariant($"learning rate {spec.LearningRate}");
        return spec.Optimizer switch
        {
            OptimizerKind.Adam or OptimizerKind.AdamW => rate + FormattableString.Invariant($", betas {spec.Beta1}, {spec.Beta2}"),
            OptimizerKind.Sgd => rate + FormattableString.Invariant($", momentum {spec.Momentum}"),
            _ => rate,
        };
    }
}
