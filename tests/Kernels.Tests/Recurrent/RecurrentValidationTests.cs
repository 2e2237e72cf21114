using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>The argument checks of the recurrent ops (shared by every backend: they run in ComputeBackend), one message pinned per check.</summary>
public sealed class RecurrentValidationTests : IDisposable
{
    private const int Batch = 2, H = 3;
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 1);
    private readonly ReferenceBackend _reference = new();
    private readonly List<DeviceBuffer> _buffers = [];

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _buffers) buffer.Dispose();
        _managed.Dispose();
        _reference.Dispose();
    }

    private DeviceBuffer A(int length, ComputeBackend? backend = null)
    {
        DeviceBuffer buffer = (backend ?? _managed).Allocate(length);
        _buffers.Add(buffer);
        return buffer;
    }

    private static void Throws<TException>(Action call, string parameter, string message)
        where TException : ArgumentException
    {
        var e = Assert.Throws<TException>(call);
        Assert.Equal(parameter, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void AShortGateOrStateBufferIsNamedWithItsShape()
    {
        DeviceBuffer g = A(Batch * 4 * H), shortG = A(Batch * 4 * H - 1), s1 = A(Batch * H), s2 = A(Batch * H), s3 = A(Batch * H), s4 = A(Batch * H);
        DeviceBuffer shortS = A(Batch * H - 1);
        Throws<ArgumentOutOfRangeException>(() => _managed.LstmCellForward(shortG, s1, s2, s3, s4, Batch, H, null, 0),
            "gates", "Buffer 'gates' must hold a (2 x 12) matrix = 24 elements; got 23.");
        Throws<ArgumentOutOfRangeException>(() => _managed.LstmCellBackward(g, s1, s2, shortS, s3, s4, g, Batch, H, null, 0),
            "dOutput", "Buffer 'dOutput' must hold a (2 x 3) matrix = 6 elements; got 5.");
        Throws<ArgumentOutOfRangeException>(() => _managed.RnnCellBackward(s1, null, shortS, s2, ActivationKind.Tanh, Batch, H, null, 0),
            "dHidden", "Buffer 'dHidden' must hold a (2 x 3) matrix = 6 elements; got 5.");
        DeviceBuffer gru = A(Batch * 3 * H), gru2 = A(Batch * 3 * H), shortBias = A(3 * H - 1);
        Throws<ArgumentOutOfRangeException>(() => _managed.GruCellForward(gru, gru2, shortBias, s1, s2, Batch, H, null, 0),
            "hiddenBias", "Buffer 'hiddenBias' needs at least 9 elements; got 8.");
        DeviceBuffer shortW = A(4 * H * H - 1);
        Throws<ArgumentOutOfRangeException>(() => _managed.LstmStepForward(s1, shortW, g, s2, s3, s4, Batch, H, null, 0),
            "recurrentWeight", "Buffer 'recurrentWeight' must hold a (12 x 3) matrix = 36 elements; got 35.");
        DeviceBuffer shortLengths = A(Batch - 1);
        Throws<ArgumentOutOfRangeException>(() => _managed.RnnCellForward(s1, s2, s3, ActivationKind.Relu, Batch, H, shortLengths, 0),
            "lengths", "Buffer 'lengths' needs at least 2 elements; got 1.");
        Throws<ArgumentOutOfRangeException>(() => _managed.PaddedSequenceLengths(s1, shortLengths, Batch, H),
            "lengths", "Buffer 'lengths' needs at least 2 elements; got 1.");
    }

    [Fact]
    public void BadCountsAreNamed()
    {
        DeviceBuffer g = A(Batch * 4 * H), s1 = A(Batch * H), s2 = A(Batch * H), s3 = A(Batch * H), s4 = A(Batch * H);
        Throws<ArgumentOutOfRangeException>(() => _managed.LstmCellForward(g, s1, s2, s3, s4, Batch, 0, null, 0),
            "hiddenSize", "'hiddenSize' must be a positive count; got 0.");
        Throws<ArgumentOutOfRangeException>(() => _managed.RnnCellForward(s1, s2, s3, ActivationKind.Tanh, -1, H, null, 0),
            "batch", "'batch' must be a non-negative count; got -1.");
        Throws<ArgumentOutOfRangeException>(() => _reference.RnnCellForward(A(6, _reference), A(6, _reference), A(6, _reference), ActivationKind.Tanh, Batch, H, null, -1),
            "step", "'step' must be a non-negative count; got -1.");
        Throws<ArgumentOutOfRangeException>(() => _managed.GruCellBackward(g, g, s1, null, s2, s3, s4, 65_536, 16_384, null, 0),
            "hiddenSize", "'hiddenSize' must be small enough that batch·4·hiddenSize fits an int; got 16384.");
        Throws<ArgumentOutOfRangeException>(() => _managed.PaddedSequenceLengths(s1, s2, Batch, -3),
            "steps", "'steps' must be a non-negative count; got -3.");
    }

    [Fact]
    public void TheRnnActivationMustBeTanhOrRelu()
    {
        DeviceBuffer s1 = A(Batch * H), s2 = A(Batch * H), s3 = A(Batch * H), w = A(H * H);
        Throws<ArgumentOutOfRangeException>(() => _managed.RnnCellForward(s1, s2, s3, ActivationKind.Sigmoid, Batch, H, null, 0),
            "activation", "'activation' must be Tanh or Relu; got Sigmoid.");
        Throws<ArgumentOutOfRangeException>(() => _managed.RnnCellBackward(s1, null, s2, s3, ActivationKind.Identity, Batch, H, null, 0),
            "activation", "'activation' must be Tanh or Relu; got Identity.");
        Throws<ArgumentOutOfRangeException>(() => _reference.RnnStepForward(A(6, _reference), A(9, _reference), A(6, _reference), A(6, _reference),
            ActivationKind.LeakyRelu, Batch, H, null, 0), "activation", "'activation' must be Tanh or Relu; got LeakyRelu.");
    }

    [Fact]
    public void BuffersThatMustDifferAreNamed()
    {
        DeviceBuffer g = A(Batch * 4 * H), s1 = A(Batch * H), s2 = A(Batch * H), s3 = A(Batch * H), s4 = A(Batch * H), w = A(4 * H * H);
        const string InPlace = " (the operation cannot run in place).";
        Throws<ArgumentException>(() => _managed.LstmCellForward(g, s1, s2, s1, s4, Batch, H, null, 0),
            "cell", "'cell' must be a different buffer from 'cellPrevious'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmCellForward(g, s1, s2, s3, s2, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'hiddenPrevious'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmCellForward(g, s1, s2, s3, s3, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'cell'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmCellForward(g, s1, s2, g, s4, Batch, H, null, 0),
            "cell", "'cell' must be a different buffer from 'gates'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmStepForward(s1, w, g, s2, s3, g, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'gates'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmCellBackward(g, s1, s2, null, s3, s4, g, Batch, H, null, 0),
            "dGates", "'dGates' must be a different buffer from 'gates'" + InPlace);
        DeviceBuffer gru = A(Batch * 3 * H), gru2 = A(Batch * 3 * H), bias = A(3 * H);
        Throws<ArgumentException>(() => _managed.GruCellForward(gru, gru, bias, s1, s2, Batch, H, null, 0),
            "hiddenGates", "'hiddenGates' must be a different buffer from 'inputGates'" + InPlace);
        Throws<ArgumentException>(() => _managed.GruCellForward(gru, gru2, bias, s1, gru2, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'hiddenGates'" + InPlace);
        Throws<ArgumentException>(() => _managed.GruStepForward(s1, w, bias, gru, gru2, gru, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'inputGates'" + InPlace);
        Throws<ArgumentException>(() => _managed.GruCellBackward(gru, gru2, s1, null, s2, g, g, Batch, H, null, 0),
            "dHiddenGates", "'dHiddenGates' must be a different buffer from 'dInputGates'" + InPlace);
        Throws<ArgumentException>(() => _managed.RnnCellBackward(s1, null, s2, s2, ActivationKind.Tanh, Batch, H, null, 0),
            "dPreActivation", "'dPreActivation' must be a different buffer from 'dHidden'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmStepForward(g, w, g, s2, s3, s4, Batch, H, null, 0),
            "gates", "'gates' must be a different buffer from 'hiddenPrevious'" + InPlace);
        Throws<ArgumentException>(() => _managed.LstmStepForward(s1, w, g, s2, s3, s3, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'cell'" + InPlace);
        Throws<ArgumentException>(() => _managed.GruStepForward(gru2, w, bias, gru, gru2, s2, Batch, H, null, 0),
            "hiddenGates", "'hiddenGates' must be a different buffer from 'hiddenPrevious'" + InPlace);
        Throws<ArgumentException>(() => _managed.RnnStepForward(s1, w, s2, s1, ActivationKind.Tanh, Batch, H, null, 0),
            "hidden", "'hidden' must be a different buffer from 'hiddenPrevious'" + InPlace);
        Throws<ArgumentException>(() => _managed.PaddedSequenceLengths(s1, s1, Batch, H),
            "lengths", "'lengths' must be a different buffer from 'ids'" + InPlace);
    }

    [Fact]
    public void ABufferOfAnotherBackendIsRejected()
    {
        DeviceBuffer s1 = A(Batch * H), s2 = A(Batch * H), foreign = A(Batch * H, _reference);
        var e = Assert.Throws<ArgumentException>(() => _managed.RnnCellForward(s1, s2, foreign, ActivationKind.Tanh, Batch, H, null, 0));
        Assert.Equal("hidden", e.ParamName);
        Assert.StartsWith("Buffer 'hidden' belongs to backend 'Reference", e.Message);
    }
}
