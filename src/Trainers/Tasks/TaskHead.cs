using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Tasks;

/// <summary>
/// Everything that depends on the ML.NET task, in one object per task: the label rule (one rule and one message for
/// <see cref="SchemaShape"/> and <see cref="DataViewSchema"/>), reading targets, the loss, the number of network
/// outputs, target scaling, the ONNX output head and the ML.NET scorer. Trainers and the shared Fit ask their head and
/// never branch on <see cref="DeepTask"/>; a new task (anomaly detection, forecasting) is a new head.
/// </summary>
internal abstract class TaskHead
{
    /// <summary>The head of <paramref name="task"/>: the one place a task becomes behaviour.</summary>
    public static TaskHead For(DeepTask task) => task switch
    {
        DeepTask.MulticlassClassification => MulticlassHead.Instance,
        DeepTask.BinaryClassification => BinaryHead.Instance,
        DeepTask.Regression => RegressionHead.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(task), $"Unknown DeepTask {(int)task}."),
    };

    /// <summary>The catalog's task.</summary>
    public abstract DeepTask Task { get; }

    // ---------------------------------------------------------------- the label rule

    /// <summary>What the label column must be, as messages say it: "Boolean (binary classification)".</summary>
    protected abstract string ExpectedLabel { get; }

    /// <summary>Whether a label column of this kind suits the task.</summary>
    protected abstract bool Accepts(LabelColumn label);

    /// <summary>What to do about a wrong label type, or "" (appended to the mismatch message).</summary>
    protected virtual string Remedy(string labelColumn) => "";

    /// <summary>Checks the label column of a schema shape (GetOutputSchema: no data yet).</summary>
    public void CheckLabel(SchemaShape.Column label, string labelColumn)
    {
        var kind = label.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => LabelShape.Scalar,
            SchemaShape.Column.VectorKind.Vector => LabelShape.Vector,
            _ => LabelShape.VariableVector,
        };
        Check(new LabelColumn(label.ItemType, label.IsKey, kind), labelColumn);
    }

    /// <summary>Checks the label column of a data view's schema (Fit, Transform); returns the class count (1 unless multiclass).</summary>
    public int CheckLabel(DataViewSchema.Column label, string labelColumn)
    {
        var type = label.Type;
        var item = type is VectorDataViewType v ? v.ItemType : type;
        var kind = type is VectorDataViewType vector ? (vector.IsKnownSize ? LabelShape.Vector : LabelShape.VariableVector) : LabelShape.Scalar;
        var column = item is KeyDataViewType key
            ? new LabelColumn(RawTypeOf(key), IsKey: true, kind) { KeyCount = key.Count }
            : new LabelColumn(item, IsKey: false, kind);
        Check(column, labelColumn);
        return ClassCount(column);
    }

    /// <summary>The label's values in class order for a user's ONNX export ("PredictedLabelValue"), or null when the task has none.</summary>
    public virtual LabelKeyValues? LabelValues(DataViewSchema.Column label, int classes) => null;

    /// <summary>Number of classes the label holds: the key's count for multiclass, 1 otherwise.</summary>
    protected virtual int ClassCount(LabelColumn label) => 1;

    private void Check(LabelColumn label, string labelColumn)
    {
        if (!Accepts(label))
        {
            throw new ArgumentOutOfRangeException("schema",
                $"Schema mismatch for label column '{labelColumn}': expected {ExpectedLabel}, got {label}.{Remedy(labelColumn)}");
        }
    }

    // SchemaShape describes a key by its raw type; so does the message, whichever schema it came from.
    private static DataViewType RawTypeOf(KeyDataViewType key) => key.RawType switch
    {
        Type t when t == typeof(byte) => NumberDataViewType.Byte,
        Type t when t == typeof(ushort) => NumberDataViewType.UInt16,
        Type t when t == typeof(uint) => NumberDataViewType.UInt32,
        _ => NumberDataViewType.UInt64,
    };

    // ---------------------------------------------------------------- reading targets

    /// <summary>A getter of one row's training target: a class index (multiclass), 0/1 (binary) or the value (regression); NaN when missing.</summary>
    public abstract Func<float> TargetGetter(DataViewRowCursor cursor, DataViewSchema.Column label);

    /// <summary>The error for a missing (NaN) target at <paramref name="row"/>.</summary>
    public virtual string MissingTarget(string dataName, string labelColumn, int row) =>
        $"{dataName}: label column '{labelColumn}' is NaN at row {row}; labels must be finite.";

    /// <summary>Checks all targets once read (classification: at least two classes).</summary>
    public virtual void CheckTargets(float[] targets, int classes, string labelColumn, string dataName)
    {
    }

    // ---------------------------------------------------------------- training

    /// <summary>Network outputs for a label of <paramref name="classes"/> classes.</summary>
    public virtual int Outputs(int classes) => 1;

    /// <summary>Checks the task-specific options against the label (class weights, label smoothing) before any row is read.</summary>
    public virtual void CheckOptions(DeepTrainerOptions options, string optionsName, int classes)
    {
        if (options.ClassWeights is not null) throw NotForThisTask(nameof(options.ClassWeights), optionsName);
        if (options.LabelSmoothing != 0f) throw NotForThisTask(nameof(options.LabelSmoothing), optionsName);
    }

    /// <summary>The training loss.</summary>
    public abstract Loss CreateLoss(DeepTrainerOptions options);

    /// <summary>
    /// Rescales the targets in place for training and returns what <see cref="FinishNetwork"/> needs to undo it in the
    /// network, or null when targets are used as read (classification).
    /// </summary>
    public virtual TargetScaling? ScaleTargets(Dataset train, Dataset? validation, string labelColumn) => null;

    /// <summary>Folds <paramref name="scaling"/> into the trained network, so that it predicts in the label's own units.</summary>
    public virtual void FinishNetwork(Sequential network, TargetScaling scaling)
    {
    }

    // ---------------------------------------------------------------- scoring

    /// <summary>The ONNX head of a user's export (the scoring chain's network exports its raw outputs).</summary>
    public abstract OnnxOutputHead OnnxHead { get; }

    /// <summary>ML.NET's own prediction transformer of the task over the network's raw outputs (column <paramref name="networkOutput"/>).</summary>
    public abstract ITransformer CreateScorer(MLContext ml, int outputs, DataViewSchema afterNetwork, string networkOutput, string labelColumn);

    /// <summary>An ML.NET trainer of the same task whose output columns are the task's standard ones (for GetOutputSchema).</summary>
    public abstract IEstimator<ITransformer> StandardOutputs(MLContext ml, string labelColumn, string featureColumn);

    /// <summary>"DeepMlpTrainer.Options.ClassWeights applies to multiclass classification only; this trainer does Regression."</summary>
    protected ArgumentOutOfRangeException NotForThisTask(string option, string optionsName) =>
        new(option, $"{optionsName}.{option} applies to multiclass classification only; this trainer does {Task}.");
}

/// <summary>Scalar, known-size vector or variable-size vector.</summary>
internal enum LabelShape { Scalar, Vector, VariableVector }

/// <summary>A label column as both schema kinds describe it: item type (a key's raw type), key or not, shape.</summary>
internal sealed record LabelColumn(DataViewType ItemType, bool IsKey, LabelShape Shape)
{
    /// <summary>A key's value count when known (DataViewSchema), else 0.</summary>
    public ulong KeyCount { get; init; }

    public bool IsScalar => Shape == LabelShape.Scalar;

    /// <summary>ML.NET's own type names: "Single", "Key&lt;UInt32&gt;", "Vector&lt;Single&gt;", "Vector&lt;Single&gt; (variable size)".</summary>
    public override string ToString()
    {
        string item = IsKey ? $"Key<{ItemType}>" : ItemType.ToString()!;
        return Shape switch
        {
            LabelShape.Scalar => item,
            LabelShape.Vector => $"Vector<{item}>",
            _ => $"Vector<{item}> (variable size)",
        };
    }
}

/// <summary>How regression targets were standardized for training: t' = (t − Mean) / StandardDeviation.</summary>
internal sealed record TargetScaling(double Mean, double StandardDeviation);
