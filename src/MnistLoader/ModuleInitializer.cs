using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace Mnist.Loader;

/// <summary>
/// Runs when the module is imported, before PowerShell reflects over MnistCmdlets.dll: that assembly lives in
/// PowerShell's default load context and asks for Mnist.Core, which nothing there can find (it is in deps/); this
/// hands it over from the module's own context. PowerShell does not resolve type literals from other load contexts,
/// so Mnist.Core's public types are also registered as type accelerators under their full names, and scripts can
/// still write [Mnist.Core.Data.MnistSample].
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? _context;
    private static Assembly? _core;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_context is not null) return;
            var deps = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");
            _context = new ModuleLoadContext(deps);
            _core = _context.LoadFromAssemblyPath(Path.Combine(deps, "Mnist.Core.dll"));
            AssemblyLoadContext.Default.Resolving += ResolveCore;
            RegisterTypeNames(_core);
        }
    }

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "Mnist.Core" ? _core : null;

    private static void RegisterTypeNames(Assembly core)
    {
        var accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
        var add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string), typeof(Type) });
        if (add is null) return;
        foreach (var type in core.GetExportedTypes())
        {
            if (type.IsGenericTypeDefinition || type.FullName is null) continue;
            add.Invoke(null, new object[] { type.FullName, type });
        }
    }
}
