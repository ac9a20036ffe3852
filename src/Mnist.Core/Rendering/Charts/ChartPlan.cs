using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;

namespace Mnist.Core.Rendering.Charts;

/// <summary>
/// Which chart a set of input objects makes and how big it is, decided before anything is written (so that a
/// host can ask for confirmation with a precise description).
/// </summary>
public sealed class ChartPlan
{
    public const int DefaultCellWidth = 150;
    public const int DefaultGridColumns = 3;

    private readonly Action<string, bool> _write;

    private ChartPlan(ChartKind kind, string description, Action<string, bool> write)
    {
        Kind = kind;
        Description = description;
        _write = write;
    }

    public ChartKind Kind { get; }
    public string Description { get; }

    public void Write(string path, bool overwrite) => _write(path, overwrite);

    /// <param name="items">Samples and predictions (a grid), or one model (history), or one evaluation (confusion matrix).</param>
    /// <param name="kind">The chart to draw, when the input alone does not say (a model can give either its history or its last evaluation).</param>
    public static ChartPlan For(IReadOnlyList<object> items, ChartKind? kind, int? columns, int? width, int? height)
    {
        if (items.Count == 0)
            throw new MnistException("NoChartInput", MnistErrorKind.InvalidArgument,
                "Nothing to draw: give samples, predictions, a model or an evaluation.");
        foreach (var model in items.OfType<MnistModel>()) model.ThrowIfDisposed();
        kind ??= items[0] switch
        {
            MnistModel => ChartKind.History,
            MnistEvaluation => ChartKind.ConfusionMatrix,
            Sweeps.SweepTrial => ChartKind.Sweep,
            _ => ChartKind.ImageGrid,
        };
        return kind switch
        {
            ChartKind.ImageGrid => Grid(items, columns ?? DefaultGridColumns, width),
            ChartKind.History => History(Single<MnistModel>(items, kind.Value), width ?? 1000, height ?? 420),
            ChartKind.Sweep => Sweep(items, width ?? 1000, height),
            _ => Confusion(EvaluationOf(Single<object>(items, kind.Value)), width ?? 720, height ?? 660),
        };
    }

    private static ChartPlan Grid(IReadOnlyList<object> items, int columns, int? width)
    {
        var tiles = items.Select(ImageTile.From).ToArray();
        columns = Math.Min(columns, tiles.Length);
        int w = width ?? columns * DefaultCellWidth;
        return new(ChartKind.ImageGrid, $"a grid of {tiles.Length} images in {columns} columns",
            (path, overwrite) => ChartWriter.ImageGrid(path, tiles, columns, w, overwrite));
    }

    private static ChartPlan History(MnistModel model, int width, int height)
    {
        if (model.History.Count == 0)
            throw new MnistException("NoHistory", MnistErrorKind.InvalidArgument,
                "The model has no training history to plot; train it first (Invoke-MnistTraining).", model);
        var history = model.History.ToArray();
        return new(ChartKind.History, $"the training history ({history.Length} epochs), {width}x{height}",
            (path, overwrite) => ChartWriter.History(path, history, width, height, overwrite));
    }

    private static ChartPlan Sweep(IReadOnlyList<object> items, int width, int? height)
    {
        var trials = items.Select(item => item as Sweeps.SweepTrial ?? throw WrongInput(item, ChartKind.Sweep)).ToArray();
        int h = height ?? Math.Clamp(120 + 34 * trials.Count(t => t.Score is not null), 300, 4000);
        return new(ChartKind.Sweep, $"the {trials.Length} trials of a sweep, {width}x{h}",
            (path, overwrite) => ChartWriter.Sweep(path, trials, width, h, overwrite));
    }

    private static ChartPlan Confusion(MnistEvaluation evaluation, int width, int height) =>
        new(ChartKind.ConfusionMatrix, $"the confusion matrix of {evaluation.Count:N0} {evaluation.Split} images, {width}x{height}",
            (path, overwrite) => ChartWriter.ConfusionMatrix(path, evaluation, width, height, overwrite));

    private static MnistEvaluation EvaluationOf(object item) => item switch
    {
        MnistEvaluation evaluation => evaluation,
        MnistModel { LastEvaluation: { } last } => last,
        MnistModel model => throw new MnistException("NoEvaluation", MnistErrorKind.InvalidArgument,
            "The model has not been evaluated yet; run Test-MnistModel first, or pass its result.", model),
        _ => throw WrongInput(item, ChartKind.ConfusionMatrix),
    };

    private static T Single<T>(IReadOnlyList<object> items, ChartKind kind)
    {
        if (items.Count > 1)
            throw new MnistException("TooManyChartInputs", MnistErrorKind.InvalidArgument,
                $"A {kind} chart draws one object, but {items.Count} came; export them one at a time (ForEach-Object).", items.Count);
        return items[0] is T single ? single : throw WrongInput(items[0], kind);
    }

    private static MnistException WrongInput(object item, ChartKind kind) =>
        new("WrongChartInput", MnistErrorKind.InvalidArgument, kind switch
        {
            ChartKind.History => $"A History chart is drawn from a trained model, not a {item.GetType().Name}.",
            ChartKind.Sweep => $"A Sweep chart is drawn from the rows of Invoke-MnistSweep or Get-MnistSweep, not a {item.GetType().Name}.",
            ChartKind.ConfusionMatrix => $"A ConfusionMatrix chart is drawn from an evaluation (Test-MnistModel) or an evaluated model, not a {item.GetType().Name}.",
            _ => $"An ImageGrid chart is drawn from samples or predictions, not a {item.GetType().Name}.",
        }, item);
}
