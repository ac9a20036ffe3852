namespace Mnist.Core.Modeling;

/// <summary>
/// Who is using a model's native state right now: any number of readers (predictions, evaluations, saves) and at
/// most one training. A second training is refused (<see cref="MnistModel.InTrainingErrorId"/>), and so is any use after
/// <see cref="MnistModel.Dispose"/> (<see cref="MnistModel.DisposedErrorId"/>). A Dispose that arrives while the model is in use (from
/// a callback of its own training, or another thread) is carried out when the last use ends, so no native call
/// ever runs on freed memory.
/// <para>
/// Readers and the training's changes of the network (a step, a switch between training and evaluation mode, weights
/// put back) take turns: a reader never sees half a step, and a step never runs while a reader has the network in
/// evaluation mode. The readers inside share one switch to evaluation mode (the first makes it, the last undoes it),
/// so one reader's end cannot put the network back into training mode under another. Turns alternate: a training
/// waiting for readers holds new ones back, and readers waiting when a change ends go before the next change.
/// </para>
/// </summary>
internal sealed class ModelUsage
{
    private readonly object _gate = new();
    private readonly Action _dispose;
    private readonly TorchSharp.torch.nn.Module _network;
    private int _users;
    private bool _training;
    private volatile bool _disposeRequested;

    private int _readersInside, _readersWaiting, _changesWaiting, _changeDepth, _changingThread;
    private bool _readersTurn, _readersSwitchedToEvaluation;

    public ModelUsage(Action dispose, TorchSharp.torch.nn.Module network)
    {
        _dispose = dispose;
        _network = network;
    }

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

    /// <summary>A use that reads the model; ends when the returned object is disposed. Waits for a change in progress.</summary>
    public IDisposable Enter(MnistModel model)
    {
        lock (_gate)
        {
            if (_disposeRequested) throw Disposed(model);
            // Inside the training's own change (its validation, say), the change owns the network and its mode.
            bool reader = !InsideOwnChange;
            if (reader)
            {
                _readersWaiting++;
                try
                {
                    while (_changeDepth > 0 || (_changesWaiting > 0 && !_readersTurn)) Monitor.Wait(_gate);
                }
                finally
                {
                    if (--_readersWaiting == 0) _readersTurn = false;
                }
                if (_disposeRequested) throw Disposed(model);
                if (_readersInside++ == 0 && _network.training)
                {
                    _network.eval();
                    _readersSwitchedToEvaluation = true;
                }
            }
            _users++;
            return new Ending(() => Exit(training: false, reader));
        }
    }

    private bool InsideOwnChange => _changeDepth > 0 && _changingThread == Environment.CurrentManagedThreadId;

    /// <summary>
    /// A change of the network by its training (a step, a mode switch, weights put back): waits until no reader is
    /// inside, and holds new readers back until it ends. Nests on the thread that holds it.
    /// </summary>
    public IDisposable BeginChange()
    {
        lock (_gate)
        {
            if (InsideOwnChange)
            {
                _changeDepth++;
                return new Ending(EndChange);
            }
            _changesWaiting++;
            try
            {
                while (_readersInside > 0 || _changeDepth > 0 || _readersTurn) Monitor.Wait(_gate);
            }
            finally
            {
                _changesWaiting--;
            }
            _changeDepth = 1;
            _changingThread = Environment.CurrentManagedThreadId;
            return new Ending(EndChange);
        }
    }

    private void EndChange()
    {
        lock (_gate)
        {
            if (--_changeDepth > 0) return;
            _changingThread = 0;
            if (_readersWaiting > 0) _readersTurn = true;
            Monitor.PulseAll(_gate);
        }
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
        return new Ending(() => Exit(training: true, reader: false));
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

    private void Exit(bool training, bool reader)
    {
        lock (_gate)
        {
            if (reader && --_readersInside == 0)
            {
                if (_readersSwitchedToEvaluation && !_released) _network.train();
                _readersSwitchedToEvaluation = false;
                Monitor.PulseAll(_gate);
            }
            _users--;
            if (training) _training = false;
            if (_users > 0 || !_disposeRequested || _released) return;
            _released = true;
        }
        _dispose();
    }

    /// <summary>A use or a change, ended once however often it is disposed.</summary>
    private sealed class Ending(Action end) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) end();
        }
    }
}
