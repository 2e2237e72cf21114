using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// The layers compute PyTorch's equations (torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN with its weight names, layouts and
/// gate orders): a tiny hand-set case whose expected sequence output is computed here with plain double loops from the
/// documented equations, independently of the kernels.
/// </summary>
public sealed class RecurrentEquationTests
{
    private const int Batch = 2, Steps = 3, Features = 2, Hidden = 2;

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    // W·x for W (rows, columns) row-major starting at block·rows
    private static double Dot(double[] w, int row, int columns, double[] v)
    {
        double sum = 0;
        for (int c = 0; c < columns; c++) sum += w[row * columns + c] * v[c];
        return sum;
    }

    [Fact]
    public void LstmMatchesPyTorchsEquations()
    {
        var (actual, p, x) = Run(new LstmLayer(Hidden, returnSequences: true, name: "lstm"), 4);
        for (int b = 0; b < Batch; b++)
        {
            var h = new double[Hidden];
            var c = new double[Hidden];
            for (int t = 0; t < Steps; t++)
            {
                var xt = x.AsSpan((b * Steps + t) * Features, Features).ToArray();
                var gate = new double[4 * Hidden];
                for (int r = 0; r < 4 * Hidden; r++)
                {
                    gate[r] = Dot(p["weight_ih"], r, Features, xt) + p["bias_ih"][r] + Dot(p["weight_hh"], r, Hidden, h) + p["bias_hh"][r];
                }
                var hNew = new double[Hidden];
                for (int j = 0; j < Hidden; j++)
                {
                    double i = Sigmoid(gate[j]), f = Sigmoid(gate[Hidden + j]), g = Math.Tanh(gate[2 * Hidden + j]), o = Sigmoid(gate[3 * Hidden + j]);
                    c[j] = f * c[j] + i * g;
                    hNew[j] = o * Math.Tanh(c[j]);
                }
                h = hNew;
                for (int j = 0; j < Hidden; j++) Assert.Equal(h[j], actual[(b * Steps + t) * Hidden + j], 12);
            }
        }
    }

    [Fact]
    public void GruMatchesPyTorchsEquations()
    {
        var (actual, p, x) = Run(new GruLayer(Hidden, returnSequences: true, name: "gru"), 3);
        for (int b = 0; b < Batch; b++)
        {
            var h = new double[Hidden];
            for (int t = 0; t < Steps; t++)
            {
                var xt = x.AsSpan((b * Steps + t) * Features, Features).ToArray();
                var hNew = new double[Hidden];
                for (int j = 0; j < Hidden; j++)
                {
                    double Input(int gate) => Dot(p["weight_ih"], gate * Hidden + j, Features, xt) + p["bias_ih"][gate * Hidden + j];
                    double Recurrent(int gate) => Dot(p["weight_hh"], gate * Hidden + j, Hidden, h) + p["bias_hh"][gate * Hidden + j];
                    double r = Sigmoid(Input(0) + Recurrent(0));
                    double z = Sigmoid(Input(1) + Recurrent(1));
                    double n = Math.Tanh(Input(2) + r * Recurrent(2));
                    hNew[j] = (1 - z) * n + z * h[j];
                }
                h = hNew;
                for (int j = 0; j < Hidden; j++) Assert.Equal(h[j], actual[(b * Steps + t) * Hidden + j], 12);
            }
        }
    }

    [Theory]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Relu)]
    public void SimpleRnnMatchesPyTorchsEquations(ActivationKind activation)
    {
        var (actual, p, x) = Run(new SimpleRnnLayer(Hidden, activation, returnSequences: true, name: "rnn"), 1);
        for (int b = 0; b < Batch; b++)
        {
            var h = new double[Hidden];
            for (int t = 0; t < Steps; t++)
            {
                var xt = x.AsSpan((b * Steps + t) * Features, Features).ToArray();
                var hNew = new double[Hidden];
                for (int j = 0; j < Hidden; j++)
                {
                    double a = Dot(p["weight_ih"], j, Features, xt) + p["bias_ih"][j] + Dot(p["weight_hh"], j, Hidden, h) + p["bias_hh"][j];
                    hNew[j] = activation == ActivationKind.Tanh ? Math.Tanh(a) : Math.Max(a, 0);
                }
                h = hNew;
                for (int j = 0; j < Hidden; j++) Assert.Equal(h[j], actual[(b * Steps + t) * Hidden + j], 12);
            }
        }
    }

    [Fact]
    public void LastStateIsTheLastStepOfTheSequence()
    {
        var (sequence, _, _) = Run(new LstmLayer(Hidden, returnSequences: true, name: "lstm"), 4);
        var (last, _, _) = Run(new LstmLayer(Hidden, name: "lstm"), 4);
        for (int b = 0; b < Batch; b++)
        {
            for (int j = 0; j < Hidden; j++) Assert.Equal(sequence[(b * Steps + Steps - 1) * Hidden + j], last[b * Hidden + j], 15);
        }
    }

    // Sets every parameter to fixed values (sines, so gates differ and nothing is symmetric), runs a forward on fixed
    // inputs and returns the output, the parameters by short name, and the inputs.
    private static (double[] Output, Dictionary<string, double[]> Parameters, double[] Input) Run(RecurrentLayer layer, int gates)
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(Steps, Features), seed: 1, initialBatchCapacity: Batch);
        var theta = new double[model.Parameters.TrainableCount];
        var parameters = new Dictionary<string, double[]>();
        int k = 0;
        foreach (var p in model.Parameters.Parameters)
        {
            var values = Enumerable.Range(0, p.Size).Select(_ => 0.9 * Math.Sin(1.7 * ++k)).ToArray();
            values.CopyTo(theta, p.Offset);
            parameters[p.Name[(p.Name.IndexOf('.') + 1)..]] = values;
        }
        Assert.Equal(gates * Hidden * Features, parameters["weight_ih"].Length);
        Assert.Equal(gates * Hidden * Hidden, parameters["weight_hh"].Length);
        backend.UploadDouble(theta, model.Parameters.Values);
        var x = Enumerable.Range(0, Batch * Steps * Features).Select(i => Math.Cos(0.9 * i)).ToArray();
        using var input = backend.Allocate(x.Length);
        backend.UploadDouble(x, input);
        var output = new double[Batch * model.OutputShape.Size];
        backend.DownloadDouble(model.Forward(input, Batch, training: false), output);
        return (output, parameters, x);
    }
}
