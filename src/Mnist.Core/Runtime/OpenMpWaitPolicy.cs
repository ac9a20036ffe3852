using System.Runtime.InteropServices;

namespace Mnist.Core.Runtime;

/// <summary>
/// Decides how libtorch's idle OpenMP threads wait for the next parallel region, in the process's C environment before
/// libtorch loads (OpenMP reads it once, at load). On Linux, where the module's kernels run on those same threads
/// (<see cref="FastPaths.OpenMpTeam"/>), they spin for about 3 ms (<see cref="LinuxSpinCount"/> checks of libgomp's
/// flag, ~30 ns each on a Zen 3) and then sleep: a training step's regions follow each other within that, so the
/// next one starts without waking a sleeping thread (FastCnn's epoch about 0.94x, median of 8 pairs), and an idle
/// shell's threads are asleep 3 ms after its last operator. Elsewhere the kernels run on .NET's threads, and an
/// OpenMP thread spinning meanwhile takes the core they need (on 2 cores a FastCnn step ran its kernels on one core
/// and a half): there idle threads sleep at once (<c>OMP_WAIT_POLICY=PASSIVE</c>). A user who set OMP_WAIT_POLICY,
/// GOMP_SPINCOUNT or KMP_BLOCKTIME keeps theirs, and so does a process where libtorch was already loaded.
/// </summary>
internal static class OpenMpWaitPolicy
{
    public const string LinuxVariable = "GOMP_SPINCOUNT";
    public const string LinuxSpinCount = "100000";
    public const string Variable = "OMP_WAIT_POLICY";
    public const string Value = "PASSIVE";

    /// <summary>Whether the user set one of the variables that decide OpenMP's waiting.</summary>
    internal static bool UserChoseTheirOwn(Func<string, string?> environment) =>
        environment(Variable) is not null || environment(LinuxVariable) is not null || environment("KMP_BLOCKTIME") is not null;

    /// <summary>The variable and value this platform's policy sets.</summary>
    internal static (string Name, string Value) ChoiceFor(bool linux) => linux ? (LinuxVariable, LinuxSpinCount) : (Variable, Value);

    /// <summary>Sets the policy unless the user chose theirs; true when it was set here.</summary>
    public static bool ApplyBeforeLibtorchLoads()
    {
        if (UserChoseTheirOwn(Environment.GetEnvironmentVariable)) return false;
        var (name, value) = ChoiceFor(OperatingSystem.IsLinux());
        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(name, value); // the process block, which the OpenMP runtime reads there
            return true;
        }
        try
        {
            // .NET keeps its own copy of the environment on Unix: the C library's, which OpenMP reads, needs setenv.
            return setenv(name, value, 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
