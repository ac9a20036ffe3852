namespace Mnist.Core.Evaluation;

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed record ClassMetrics(int Class, string Name, int Support, int Predicted, int Correct, double Precision, double Recall, double F1);

/// <summary>How a model scored on a split: Keras' evaluate() plus a confusion matrix and per-class metrics.</summary>
public sealed class MnistEvaluation
{
    public MnistEvaluation(double loss, int[][] confusionMatrix, IReadOnlyList<string> classNames, string split, string? dataName)
    {
        Loss = loss;
        ConfusionMatrix = confusionMatrix;
        ClassNames = classNames;
        Split = split;
        DataName = dataName;
        Count = confusionMatrix.Sum(row => row.Sum());
        Correct = Enumerable.Range(0, confusionMatrix.Length).Sum(i => confusionMatrix[i][i]);
        PerClass = Enumerable.Range(0, confusionMatrix.Length).Select(ClassMetricsFor).ToArray();
    }

    public double Loss { get; }
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
    public int Count { get; }
    public int Correct { get; }
    public int Errors => Count - Correct;
    public string Split { get; }
    public string? DataName { get; }

    /// <summary>The name of the model that was scored (see MnistModel.Name), and its file when it has one.</summary>
    public string? Model { get; init; }
    public string? ModelFile { get; init; }

    /// <summary>The data it was scored on: name, checksums, class names, split sizes.</summary>
    public Data.DataIdentity? Data { get; init; }
    public DateTimeOffset When { get; init; } = DateTimeOffset.Now;

    /// <summary>Rows are true classes, columns predicted classes.</summary>
    public int[][] ConfusionMatrix { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public IReadOnlyList<ClassMetrics> PerClass { get; }
    public double MacroF1 => PerClass.Count == 0 ? 0 : PerClass.Average(c => c.F1);

    public string ConfusionMatrixText
    {
        get
        {
            var text = new System.Text.StringBuilder();
            text.Append("true\\pred");
            for (int c = 0; c < ConfusionMatrix.Length; c++) text.Append($"{c,6}");
            text.AppendLine();
            for (int r = 0; r < ConfusionMatrix.Length; r++)
            {
                text.Append($"{r,9}");
                foreach (var count in ConfusionMatrix[r]) text.Append($"{count,6}");
                if (r < ConfusionMatrix.Length - 1) text.AppendLine();
            }
            return text.ToString();
        }
    }

    private ClassMetrics ClassMetricsFor(int c)
    {
        int support = ConfusionMatrix[c].Sum();
        int predicted = ConfusionMatrix.Sum(row => row[c]);
        int correct = ConfusionMatrix[c][c];
        double precision = predicted == 0 ? 0 : (double)correct / predicted;
        double recall = support == 0 ? 0 : (double)correct / support;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassMetrics(c, ClassNames[c], support, predicted, correct, precision, recall, f1);
    }

    public override string ToString() => $"{Rendering.SafeText.Of(Model?.ToString())}: accuracy {Accuracy:F4}, loss {Loss:F4} on {Count:N0} {Rendering.SafeText.Of(DataName)} {Split} images";
}
