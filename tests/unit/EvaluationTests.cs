using Mnist.Core.Evaluation;
using Xunit;

namespace Mnist.Core.Tests;

public class EvaluationTests
{
    [Fact]
    public void Per_class_metrics_follow_from_the_confusion_matrix()
    {
        var matrix = new[] { new[] { 8, 2 }, new[] { 1, 9 } };
        var e = new MnistEvaluation(0.5, matrix, new[] { "a", "b" }, "Test", "toy");
        Assert.Equal(20, e.Count);
        Assert.Equal(0.85, e.Accuracy, 9);
        Assert.Equal(8.0 / 9, e.PerClass[0].Precision, 9);
        Assert.Equal(0.8, e.PerClass[0].Recall, 9);
        Assert.Equal(2 * (8.0 / 9) * 0.8 / (8.0 / 9 + 0.8), e.PerClass[0].F1, 9);
        Assert.Equal(3, e.Errors);
    }
}
