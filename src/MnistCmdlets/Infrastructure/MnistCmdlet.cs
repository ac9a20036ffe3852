using System.Diagnostics;
using System.Management.Automation;
using Mnist.Core;
using Mnist.Core.Runtime;
using Mnist.Cmdlets.Commands;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// What every cmdlet of the module shares: cancellation on Ctrl+C / StopProcessing, and turning the core's
/// <see cref="MnistException"/> into an <see cref="ErrorRecord"/> with a stable FullyQualifiedErrorId.
/// </summary>
public abstract class MnistCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    protected CancellationToken Cancellation => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    protected sealed override void ProcessRecord() => Guarded(ProcessOne);

    /// <summary>For cmdlets that collect their input and act once it is all there (grids, charts).</summary>
    protected sealed override void EndProcessing() => Guarded(EndOfInput);

    protected virtual void EndOfInput() { }

    /// <summary>The cmdlets that never touch libtorch, so they work before Install-MnistRuntime; every other one loads it first.</summary>
    private static readonly HashSet<Type> WorksWithoutRuntime = new()
    {
        typeof(ImportMnistDataCommand), typeof(GetMnistSampleCommand), typeof(ShowMnistImageCommand), typeof(ConvertToOneHotCommand),
        typeof(ExportMnistChartCommand), typeof(InstallMnistRuntimeCommand), typeof(GetMnistEnvironmentCommand),
        typeof(JoinMnistDataCommand), typeof(ExportMnistDataCommand), typeof(GetMnistSweepCommand),
    };

    private void Guarded(Action work)
    {
        try
        {
            // Once loaded, never ask PowerShell for the current location again: that walks the drive table (and reads
            // /proc/self/mountinfo on Linux), a tenth of a millisecond on every pipeline record.
            if (TorchRuntime.LoadedFrom is null && !WorksWithoutRuntime.Contains(GetType())) TorchRuntime.EnsureLoaded(DataCache.CurrentFolder(this));
            work();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (MnistException e)
        {
            ThrowTerminatingError(ToErrorRecord(e));
        }
    }

    protected abstract void ProcessOne();

    protected static ErrorRecord ToErrorRecord(MnistException e) => new(e, e.ErrorId, Category(e.Kind), e.Target)
    {
        ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = ErrorAdvice.For(e.ErrorId) },
    };

    protected void WriteMnistError(MnistException e) => WriteError(ToErrorRecord(e));

    protected static ErrorCategory Category(MnistErrorKind kind) => kind switch
    {
        MnistErrorKind.InvalidData => ErrorCategory.InvalidData,
        MnistErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        MnistErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        MnistErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        MnistErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        MnistErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        MnistErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        MnistErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Resolves a PowerShell path (relative to the current location, ~ expanded) to a file-system path.</summary>
    protected string ResolvePath(string path)
    {
        Mnist.Core.Persistence.PathChecks.Validate(path);
        return GetUnresolvedProviderPathFromPSPath(path);
    }

    /// <summary>A progress sink that calls back on this thread, at most every 100 ms plus the final report.</summary>
    protected IProgress<T> ThrottledProgress<T>(Func<T, bool> isFinal, Func<T, ProgressRecord> toRecord) =>
        new SynchronousProgress<T>(isFinal, value => WriteProgress(toRecord(value)));

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class SynchronousProgress<T> : IProgress<T>
    {
        private readonly Func<T, bool> _isFinal;
        private readonly Action<T> _write;
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();

        public SynchronousProgress(Func<T, bool> isFinal, Action<T> write)
        {
            _isFinal = isFinal;
            _write = write;
        }

        public void Report(T value)
        {
            if (!_isFinal(value) && _sinceLast.ElapsedMilliseconds < 100) return;
            _sinceLast.Restart();
            _write(value);
        }
    }
}
