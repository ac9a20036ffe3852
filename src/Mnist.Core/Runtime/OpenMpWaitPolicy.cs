using System.Runtime.InteropServices;

namespace Mnist.Core.Runtime;

/// <summary>
/// Asks libtorch's OpenMP runtime to let its idle threads sleep (OMP_WAIT_POLICY=PASSIVE) instead of spinning after
/// every parallel operator. The module's own kernels (FastPaths) run on .NET's threads between libtorch's operators,
/// and with the default policy libgomp's worker spins on a core meanwhile: on 2 cores a FastCnn training step then
/// ran its C# kernels on one core and a half, and half of a 2-thread profile's samples were that spinning (more under
/// load, where a spinning thread also waits at each barrier for a peer that is not running). Set in the process's C
/// environment before libtorch loads (OpenMP reads it once, at load); a user who set OMP_WAIT_POLICY, GOMP_SPINCOUNT
/// or KMP_BLOCKTIME keeps theirs, and so does a process where libtorch was already loaded.
/// </summary>
internal static class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";
    public const string Value = "PASSIVE";

    /// <summary>Whether the user set one of the variables that decide OpenMP's waiting.</summary>
    internal static bool UserChoseTheirOwn(Func<string, string?> environment) =>
        environment(Variable) is not null || environment("GOMP_SPINCOUNT") is not null || environment("KMP_BLOCKTIME") is not null;

    /// <summary>Sets the policy unless the user chose theirs; true when it was set here.</summary>
    public static bool ApplyBeforeLibtorchLoads()
    {
        if (UserChoseTheirOwn(Environment.GetEnvironmentVariable)) return false;
        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(Variable, Value); // the process block, which the OpenMP runtime reads there
            return true;
        }
        try
        {
            // .NET keeps its own copy of the environment on Unix: the C library's, which OpenMP reads, needs setenv.
            return setenv(Variable, Value, 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
