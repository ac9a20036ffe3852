using System.Text;

namespace Mnist.Core.Modeling;

/// <summary>Formats a model like Keras' model.summary(), in lines that fit an 80-column terminal.</summary>
public static class ModelSummary
{
    /// <summary>The widest line: one less than an 80-column terminal, which wraps a line that fills it.</summary>
    public const int Width = 79;

    public static string Format(MnistModel model) => Wrap(Table(model));

    /// <summary>
    /// Breaks each line longer than <paramref name="width"/> between words; its continuation lines are indented
    /// two spaces more than it. A single word wider than the line stays whole on a line of its own.
    /// </summary>
    public static string Wrap(string text, int width = Width)
    {
        var result = new StringBuilder();
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            string indent = new(' ', line.Length - line.TrimStart(' ').Length + 2);
            while (line.Length > width)
            {
                int lead = line.Length - line.TrimStart(' ').Length;
                int cut = line.LastIndexOf(' ', width);
                if (cut <= lead) cut = line.IndexOf(' ', width);
                if (cut < 0) break;
                result.Append(line[..cut].TrimEnd()).Append('\n');
                line = indent + line[(cut + 1)..].TrimStart();
            }
            result.Append(line);
            if (n < lines.Length - 1) result.Append('\n');
        }
        return result.ToString().Replace("\n", Environment.NewLine);
    }

    private static string Table(MnistModel model)
    {
        const int shapeWidth = 24, paramWidth = 14;
        int nameWidth = Math.Max(30, model.Layers.Max(l => l.Name.Length + l.Type.Length + 4));
        var rule = new string('─', nameWidth + shapeWidth + paramWidth);
        var heavy = new string('━', nameWidth + shapeWidth + paramWidth);
        var text = new StringBuilder();
        text.AppendLine($"Model: \"{Rendering.SafeText.Of(model.Name)}\" ({model.Architecture}, input {model.InputShape}, {model.ClassNames.Count} classes)");
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
