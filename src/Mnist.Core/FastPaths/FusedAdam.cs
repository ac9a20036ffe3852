using TorchSharp.Modules;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

// These classes keep TorchSharp's names (Adam, AdamW): its optimizer state files start with the class name, so model
// files and training snapshots written by either implementation load into the other.

/// <summary>
/// TorchSharp's Adam with its update done in one SIMD pass per parameter (<see cref="AdamKernel"/>) and gradients
/// set to none instead of zeroed. State, options and the state file format are TorchSharp's own.
/// </summary>
internal sealed class Adam : TorchSharp.Modules.Adam
{
    public Adam(Parameter[] parameters, double lr, double beta1, double beta2, double weightDecay)
        : base(parameters, lr, beta1, beta2, weight_decay: weightDecay) { }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || !FusedStep.Supported(_parameter_groups, o => (Options)o, o => (o.amsgrad ?? false) || (o.maximize ?? false)))
            return base.step(closure);
        foreach (var group in _parameter_groups)
        {
            var o = (Options)group.Options;
            foreach (var parameter in group.Parameters)
            {
                var state = (State)_state[parameter.Handle];
                FusedStep.Apply(parameter, state.exp_avg, state.exp_avg_sq, ref state.step,
                    s => AdamStep.For(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, decoupled: false, s));
            }
        }
        return null!;
    }

    public override void zero_grad() => FusedStep.ClearGradients(_parameter_groups);
}

/// <summary>TorchSharp's AdamW (decoupled weight decay) with the same one-pass update and gradients set to none.</summary>
internal sealed class AdamW : TorchSharp.Modules.AdamW
{
    public AdamW(Parameter[] parameters, double lr, double beta1, double beta2, double weightDecay)
        : base(parameters, lr, beta1, beta2, weight_decay: weightDecay) { }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || !FusedStep.Supported(_parameter_groups, o => (Options)o, o => (o.amsgrad ?? false) || (o.maximize ?? false)))
            return base.step(closure);
        foreach (var group in _parameter_groups)
        {
            var o = (Options)group.Options;
            foreach (var parameter in group.Parameters)
            {
                var state = (State)_state[parameter.Handle];
                FusedStep.Apply(parameter, state.exp_avg, state.exp_avg_sq, ref state.step,
                    s => AdamStep.For(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, decoupled: true, s));
            }
        }
        return null!;
    }

    public override void zero_grad() => FusedStep.ClearGradients(_parameter_groups);
}

internal static class FusedStep
{
    /// <summary>Whether every parameter, gradient and moment fits the kernel and no option asks for what it does not do.</summary>
    public static bool Supported<TOptions>(IList<ParamGroup> groups, Func<OptimizerOptions, TOptions> options, Func<TOptions, bool> unsupported)
    {
        foreach (var group in groups)
        {
            if (unsupported(options(group.Options))) return false;
            foreach (var parameter in group.Parameters)
            {
                if (!AdamKernel.Fits(parameter)) return false;
                using var grad = parameter.grad;
                if (grad is not null && !AdamKernel.Fits(grad)) return false;
            }
        }
        return true;
    }

    /// <summary>One step for one parameter; a parameter without a gradient is left as it is (and its step count too).</summary>
    public static void Apply(Parameter parameter, Tensor expAvg, Tensor expAvgSq, ref long step, Func<long, AdamStep> constants)
    {
        using var grad = parameter.grad;
        if (grad is null) return;
        step += 1;
        AdamKernel.Apply(parameter, grad, expAvg, expAvgSq, constants(step));
    }

    /// <summary>Sets gradients to none: no zeroing pass, and the next backward writes them instead of adding to zeros.</summary>
    public static void ClearGradients(IList<ParamGroup> groups)
    {
        foreach (var group in groups)
            foreach (var parameter in group.Parameters)
                parameter.grad = null;
    }
}
