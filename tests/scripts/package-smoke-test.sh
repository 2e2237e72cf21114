#!/usr/bin/env bash
# package-smoke-test.sh DIR
#
# Checks the packages that `dotnet pack -c Release -o DIR` made at the repository root, the way a user meets them:
# a fresh console project outside the repository (mktemp -d) restores MLNet.DeepExtensions from DIR (its ML.NET,
# ONNX Runtime and ILGPU dependencies, native bits included, from the machine's normal NuGet sources), trains a DeepMlp
# on the digits (the CSV is copied in), evaluates it, predicts through Save/Load and a PredictionEngine, exports ONNX,
# and fails unless the test accuracy clears a threshold that a broken trainer cannot reach.
#
#   dotnet pack -c Release -o /tmp/pkgs && tests/scripts/package-smoke-test.sh /tmp/pkgs
#
# With MLNET_VERSION set (e.g. MLNET_VERSION=6.0.0), the consumer also references Microsoft.ML and
# Microsoft.ML.OnnxTransformer at that version, as an app already on a newer ML.NET would (the package depends on the
# range [5.0.1, 7.0.0), which alone restores 5.0.1).
#
# Our packages restore into a private packages folder, so a package of the same version cached by an earlier run is
# never used; everything else comes from the user's NuGet cache (as a fallback folder) or the registry.
set -euo pipefail

if [[ $# -ne 1 || ! -d "$1" ]]; then
    echo "usage: $0 DIR   (DIR: the output folder of 'dotnet pack -c Release -o DIR')" >&2
    exit 2
fi
packages=$(cd "$1" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Exactly our three packages, and nothing else.
expected="MLNet.DeepExtensions MLNet.DeepExtensions.Kernels MLNet.DeepExtensions.Networks"
found=$(cd "$packages" && ls -1 *.nupkg 2>/dev/null | grep -v '\.symbols\.nupkg$' | sed -E 's/\.[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?\.nupkg$//' | sort | tr '\n' ' ' | sed 's/ $//')
if [[ "$found" != "$expected" ]]; then
    echo "FAIL: $packages holds packages [$found]; expected [$expected]" >&2
    exit 1
fi
nupkg=$(ls -1 "$packages"/MLNet.DeepExtensions.[0-9]*.nupkg | head -n 1)
version=$(basename "$nupkg" .nupkg | sed 's/^MLNet\.DeepExtensions\.//')
echo "Package: MLNet.DeepExtensions $version from $packages"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Consumer project: $work/app"
mkdir -p "$work/app/data"
cp "$repo/samples/data/digits.csv" "$work/app/data/digits.csv"
cd "$work/app"

# Stop MSBuild's upward search, so nothing from the folders above (e.g. a Directory.Build.props in /tmp) applies.
echo '<Project />' > Directory.Build.props
echo '<Project />' > Directory.Build.targets

# Sources: DIR plus the machine's own enabled sources (as `dotnet nuget list source` shows them).
{
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<configuration>'
    echo '  <config>'
    echo "    <add key=\"globalPackagesFolder\" value=\"$work/packages\" />"
    echo '  </config>'
    if [[ -d "$HOME/.nuget/packages" ]]; then
        echo '  <fallbackPackageFolders>'
        echo "    <add key=\"user-cache\" value=\"$HOME/.nuget/packages\" />"
        echo '  </fallbackPackageFolders>'
    fi
    echo '  <packageSources>'
    echo '    <clear />'
    echo "    <add key=\"local-pack\" value=\"$packages\" />"
    n=0
    while read -r state source; do
        [[ "$state" == E* ]] || continue
        [[ "$source" == "$packages" ]] && continue
        n=$((n + 1))
        echo "    <add key=\"machine-source-$n\" value=\"$source\" />"
    done < <(cd "$repo" && dotnet nuget list source --format short)
    if [[ $n -eq 0 ]]; then
        echo '    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />'
    fi
    echo '  </packageSources>'
    echo '</configuration>'
} > nuget.config

cat > SmokeApp.csproj <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <None Include="data/digits.csv" CopyToOutputDirectory="PreserveNewest" />
  </ItemGroup>
</Project>
XML

cat > Program.cs <<'CS'
// Trains and evaluates a DeepMlp from the MLNet.DeepExtensions package on the handwritten digits; exits 1 on failure.
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions;

const double Threshold = 0.95; // a linear model gets about 0.96, an untrained or broken network far less
Console.WriteLine($"Microsoft.ML {typeof(MLContext).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).Cast<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion}");
var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromTextFile<Digit>(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv"), separatorChar: ',', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.NormalizeMinMax("Features", "Pixels"))
    .Append(ml.MulticlassClassification.Trainers.DeepMlp(new DeepMlpTrainer.Options { HiddenLayers = [128, 64], Epochs = 20, Seed = 0 }));
var model = pipeline.Fit(split.TrainSet);
var deep = model.LastTransformer;
Console.WriteLine($"Network: {deep.Network.Architecture}; {deep.Network.ParameterCount} parameters; {deep.Network.Backend}; {deep.History.Epochs.Count} epochs");

var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Test micro-accuracy {metrics.MicroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");

string zip = Path.Combine(Path.GetTempPath(), $"smoke-{Guid.NewGuid():N}.zip");
string onnx = Path.ChangeExtension(zip, ".onnx");
try
{
    ml.Model.Save(model, data.Schema, zip);
    var loaded = ml.Model.Load(zip, out _);
    double reloaded = ml.MulticlassClassification.Evaluate(loaded.Transform(split.TestSet)).MicroAccuracy;
    var engine = ml.Model.CreatePredictionEngine<Digit, Prediction>(loaded);
    var first = ml.Data.CreateEnumerable<Digit>(split.TestSet, reuseRowObject: false).First();
    var prediction = engine.Predict(first);
    Console.WriteLine($"Saved/loaded micro-accuracy {reloaded:F4}; one row: label {first.Label}, predicted key {prediction.PredictedLabel}, {prediction.Score.Length} scores");
    deep.ExportOnnx(onnx);
    long onnxBytes = new FileInfo(onnx).Length;
    Console.WriteLine($"ONNX export: {onnxBytes} bytes");

    bool ok = metrics.MicroAccuracy >= Threshold && Math.Abs(reloaded - metrics.MicroAccuracy) < 1e-9 && prediction.Score.Length == 10 && onnxBytes > 1000;
    Console.WriteLine(ok ? $"PASS (threshold {Threshold})" : $"FAIL (accuracy threshold {Threshold}; saved/loaded must match; 10 scores; an ONNX file)");
    return ok ? 0 : 1;
}
finally
{
    File.Delete(zip);
    File.Delete(onnx);
}

public sealed class Digit
{
    [LoadColumn(0, 63), VectorType(64)]
    public float[] Pixels { get; set; } = [];

    [LoadColumn(64)]
    public float Label { get; set; }
}

public sealed class Prediction
{
    public uint PredictedLabel { get; set; }

    public float[] Score { get; set; } = [];
}
CS

dotnet add package MLNet.DeepExtensions --version "$version"
if [[ -n "${MLNET_VERSION:-}" ]]; then
    dotnet add package Microsoft.ML --version "$MLNET_VERSION"
    dotnet add package Microsoft.ML.OnnxTransformer --version "$MLNET_VERSION"
fi
dotnet list package --include-transitive | grep -E 'Microsoft\.ML(\.OnnxTransformer|\.OnnxRuntime)? ' || true
dotnet run -c Release
