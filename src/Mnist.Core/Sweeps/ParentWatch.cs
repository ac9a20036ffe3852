namespace Mnist.Core.Sweeps;

/// <summary>
/// The trial's side of <see cref="TrialProcess"/>: ends this process when its standard input closes, which happens
/// when the sweep that started it ends in any way. A trial never outlives its sweep to write into a folder that a new
/// run of the sweep now owns.
/// </summary>
public static class ParentWatch
{
    /// <summary>The exit code of a trial whose sweep went away.</summary>
    public const int OrphanExitCode = 5;
    private static int _started;

    public static void ExitWhenInputCloses()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        var input = Console.OpenStandardInput();
        var watcher = new Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                while (input.Read(buffer, 0, buffer.Length) > 0) { }
            }
            catch (IOException)
            {
            }
            Environment.Exit(OrphanExitCode);
        })
        { IsBackground = true, Name = "Mnist sweep parent watch" };
        watcher.Start();
    }
}
