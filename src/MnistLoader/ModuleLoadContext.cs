using System.Reflection;
using System.Runtime.Loader;
using Mnist.Core.Runtime;

namespace Mnist.Loader;

/// <summary>
/// The module's own load context, as PowerShell documents for binary modules with dependencies ("Resolving
/// PowerShell module assembly dependency conflicts"): Mnist.Core and everything it uses (TorchSharp, ScottPlot,
/// SkiaSharp, Google.Protobuf, ...) load from the module's deps/ folder here, whatever versions other modules
/// loaded into the default context. Native libraries asked for by those assemblies are resolved here too
/// (PowerShell ignores a module's deps.json): see <see cref="NativeResolver"/>.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _deps;

    public ModuleLoadContext(string deps) : base("Mnist", isCollectible: false) => _deps = deps;

    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(_deps, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string name)
    {
        var path = NativeResolver.Resolve(name);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
