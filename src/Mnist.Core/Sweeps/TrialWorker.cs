using System.Diagnostics;

namespace Mnist.Core.Sweeps;

/// <summary>
/// A place trials run: this machine, or one reached over SSH. It runs up to <see cref="Slots"/> trials at once, each
/// as a process whose command line <see cref="CommandFor"/> gives. A machine found unreachable, or without the
/// module, is taken out of the sweep (<see cref="DownReason"/>); the trials left go to the others.
/// </summary>
public sealed class TrialWorker
{
    private readonly Func<string, ProcessStartInfo> _command;

    /// <param name="command">The command line that runs the trial in the given trial folder.</param>
    public TrialWorker(string name, int slots, Func<string, ProcessStartInfo> command)
    {
        Name = name;
        Slots = Math.Max(1, slots);
        _command = command;
    }

    public string Name { get; }
    public int Slots { get; }
    public int Running { get; internal set; }
    public string? DownReason { get; internal set; }
    public bool HasRoom => DownReason is null && Running < Slots;

    public ProcessStartInfo CommandFor(string trialPath) => _command(trialPath);
}
