using System.Buffers.Binary;
using Mnist.Core.Modeling;
using TorchSharp;

namespace Mnist.Core.Persistence;

/// <summary>
/// Checks a model file's weights, optimizer state and generator state against the model they are about to be
/// loaded into, before any of it reaches TorchSharp or libtorch. libtorch throws C++ exceptions that TorchSharp
/// does not catch on some of these paths (a generator state it does not accept aborts the whole process), and
/// TorchSharp allocates tensors of whatever shape a state announces: so every byte is accounted for here first.
/// Each failure is a <see cref="FormatException"/> saying what is wrong.
/// </summary>
internal static class TrainingStateCheck
{
    public static void CheckWeights(byte[] weights, MnistModel model)
    {
        var reader = new StateReader(weights, "weights.bin");
        var expected = model.State;
        long count = reader.ReadLeb128();
        if (count != expected.Count) throw reader.Fail($"it holds {count} tensors, the architecture has {expected.Count}");
        var seen = new HashSet<string>();
        for (long i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!expected.TryGetValue(name, out var tensor)) throw reader.Fail($"it holds '{name}', which the architecture does not have");
            if (!seen.Add(name)) throw reader.Fail($"it holds '{name}' twice");
            reader.ReadTensor(name, (int)tensor.dtype, tensor.shape);
        }
        reader.ExpectEnd();
    }

    public static void CheckOptimizer(byte[] state, MnistModel model)
    {
        var reader = new StateReader(state, "optimizer.bin");
        var typeName = model.OptimizerInstance.GetType().Name;
        var name = reader.ReadString();
        if (name != typeName) throw reader.Fail($"it is the state of a {name} optimizer; the model uses {typeName}");
        if (reader.ReadLeb128() != 1) throw reader.Fail("it has another number of parameter groups than the model's one");
        var shapes = model.Network.parameters().Select(p => p.shape).ToArray();
        if (reader.ReadLeb128() != shapes.Length) throw reader.Fail($"it has another number of parameter states than the model's {shapes.Length}");

        var kind = model.Spec.Optimizer;
        ReadLearningRates(reader);
        switch (kind)
        {
            case OptimizerKind.Adam or OptimizerKind.AdamW:
                for (int i = 0; i < 4; i++) reader.ReadFiniteDouble("a hyperparameter");
                reader.ReadBoolean();
                reader.ReadBoolean();
                break;
            case OptimizerKind.Sgd:
                for (int i = 0; i < 3; i++) reader.ReadFiniteDouble("a hyperparameter");
                reader.ReadBoolean();
                reader.ReadBoolean();
                break;
            case OptimizerKind.RmsProp:
                reader.ReadBoolean();
                for (int i = 0; i < 4; i++) reader.ReadFiniteDouble("a hyperparameter");
                reader.ReadBoolean();
                break;
            default:
                throw reader.Fail($"optimizer {kind} has no known state layout");
        }
        for (int p = 0; p < shapes.Length; p++)
        {
            var what = $"state {p}";
            switch (kind)
            {
                case OptimizerKind.Adam or OptimizerKind.AdamW:
                    ReadStep(reader);
                    reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    if (reader.ReadBoolean()) reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    break;
                case OptimizerKind.Sgd:
                    if (reader.ReadBoolean()) reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    break;
                case OptimizerKind.RmsProp:
                    ReadStep(reader);
                    reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    if (reader.ReadBoolean()) reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    if (reader.ReadBoolean()) reader.ReadTensor(what, StateReader.Float32, shapes[p]);
                    break;
            }
        }
        reader.ExpectEnd();
    }

    private static void ReadLearningRates(StateReader reader)
    {
        for (int i = 0; i < 2; i++)
            if (reader.ReadFiniteDouble("a learning rate") < 0) throw reader.Fail("a learning rate is negative");
    }

    private static void ReadStep(StateReader reader)
    {
        if (reader.ReadInt64() < 0) throw reader.Fail("a step count is negative");
    }

    /// <summary>The size of this libtorch's CPU generator state (5,056 bytes in the libtorch TorchSharp 0.107 ships).</summary>
    private static readonly Lazy<long> GeneratorStateSize = new(() =>
    {
        using var generator = new torch.Generator(0);
        using var state = generator.get_state();
        return state.numel();
    });

    /// <summary>
    /// libtorch's CPUGeneratorImplState: a Mersenne Twister (seed u64 @0, left i32 @8, seeded i32 @12, next u64 @16,
    /// 624 u64 words @24), cached normals, then a float and a flag. set_state accepts it only with the exact size,
    /// seeded set, 1 &lt;= left &lt;= 624 and next &lt;= 624; anything else is a C++ exception that ends the process.
    /// </summary>
    public static void CheckGenerator(byte[] state)
    {
        if (state.Length != GeneratorStateSize.Value)
            throw new FormatException($"generator.bin: {state.Length:N0} bytes; this libtorch's generator state is {GeneratorStateSize.Value:N0} bytes");
        if (state.Length != 5_056) return; // another libtorch layout: its size is all that is known here
        int left = BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(8));
        int seeded = BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(12));
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(state.AsSpan(16));
        if (seeded != 1 || left < 1 || left > 624 || next > 624)
            throw new FormatException($"generator.bin: not a valid Mersenne Twister state (seeded {seeded}, left {left}, next {next})");
        int normalValid = BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(5_040));
        if (normalValid is not (0 or 1) || state[5_052] > 1)
            throw new FormatException("generator.bin: a flag of the cached normal sample is neither 0 nor 1");
    }
}
