namespace Mnist.Core.Modeling;

/// <summary>
/// Who is using a model's native state right now: any number of readers (predictions, evaluations, saves) and at
/// most one training. A second training is refused (<see cref="MnistModel.InTrainingErrorId"/>), and so is any use after
/// <see cref="MnistModel.Dispose"/> (<see cref="MnistModel.DisposedErrorId"/>). A Dispose that arrives while the model is in use (from
/// a callback of its own training, or another thread) is carried out when the last use ends, so no native call
/// ever runs on freed memory.
/// </summary>
internal sealed class ModelUsage
{
    private readonly object _gate = new();
    private readonly Action _dispose;
    private int _users;
    private bool _training;
    private volatile bool _disposeRequested;

    public ModelUsage(Action dispose) => _dispose = dispose;

    /// <summary>Dispose was called (it may still be waiting for the uses in progress to end).</summary>
    public bool DisposeRequested => _disposeRequested;

    /// <summary>A training holds the model.</summary>
    public bool InTraining
    {
        get { lock (_gate) return _training; }
    }

    public static MnistException InTrainingError(MnistModel model) =>
        new(MnistModel.InTrainingErrorId, MnistErrorKind.InvalidOperation,
            $"Model '{Rendering.SafeText.Of(model.Name)}' is being trained already (by an -OnEpochEnd script of its own training, or another thread); " +
            "a model is trained by one training at a time. Wait for that training to end, or train a copy (Export-MnistModel, then Import-MnistModel).", model);

    /// <summary>The native state is gone: nothing may touch it.</summary>
    public bool Released => _released;

    private volatile bool _released;

    /// <summary>A use that reads the model; ends when the returned object is disposed.</summary>
    public IDisposable Enter(MnistModel model)
    {
        lock (_gate)
        {
            if (_disposeRequested) throw Disposed(model);
            _users++;
        }
        return new Use(this, training: false);
    }

    /// <summary>The one training the model may have at a time.</summary>
    public IDisposable EnterTraining(MnistModel model)
    {
        lock (_gate)
        {
            if (_disposeRequested) throw Disposed(model);
            if (_training) throw InTrainingError(model);
            _training = true;
            _users++;
        }
        return new Use(this, training: true);
    }

    /// <summary>Disposes now, or when the last use in progress ends.</summary>
    public void RequestDispose()
    {
        lock (_gate)
        {
            if (_disposeRequested) return;
            _disposeRequested = true;
            if (_users > 0) return;
            _released = true;
        }
        _dispose();
    }

    public static MnistException Disposed(MnistModel model) =>
        new(MnistModel.DisposedErrorId, MnistErrorKind.InvalidOperation,
            $"Model '{Rendering.SafeText.Of(model.Name)}' was disposed (its Dispose() method was called), so its weights are gone; " +
            "import it again from its file, or make a new one.", model);

    private void Exit(bool training)
    {
        lock (_gate)
        {
            _users--;
            if (training) _training = false;
            if (_users > 0 || !_disposeRequested || _released) return;
            _released = true;
        }
        _dispose();
    }

    private sealed class Use(ModelUsage usage, bool training) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) usage.Exit(training);
        }
    }
}
