using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// Runs when the module is imported: the cmdlet assembly lives in PowerShell's default load context and asks for
/// Mnist.Core, which nothing there can find (it is in deps/); this hands it over from the module's own context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? _context;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_context is not null) return;
            var deps = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");
            _context = new ModuleLoadContext(deps);
            AssemblyLoadContext.Default.Resolving += ResolveCore;
        }
    }

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "Mnist.Core" ? _context!.LoadFromAssemblyName(name) : null;
}
