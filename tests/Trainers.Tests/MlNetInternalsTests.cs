using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// Every ML.NET internal the package reaches by reflection resolves on the Microsoft.ML these tests run against (5.0.1,
/// and 6.0.0 in the second CI leg), and a missing one is reported with the version, the member and the supported range.
/// </summary>
public sealed class MlNetInternalsTests
{
    [Fact]
    public void VerifyAll_resolves_every_declared_member_on_the_loaded_Microsoft_ML()
    {
        var checkedMembers = MlNetInternals.VerifyAll();

        // Every Required<T> field of MlNetInternals is one member: none may be missing from what VerifyAll checks.
        int declared = typeof(MlNetInternals).GetFields(BindingFlags.Static | BindingFlags.NonPublic)
            .Count(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(MlNetInternals.Required<>));
        Assert.Equal(7, declared);
        Assert.Equal(declared, MlNetInternals.MemberCount);
        Assert.Equal(declared, checkedMembers.Count);
        Assert.Equal(checkedMembers.Count, checkedMembers.Distinct().Count());
        Assert.Contains("Microsoft.ML.Data.IInternalCatalog.Environment { get; }", checkedMembers);
        Assert.Contains("Microsoft.ML.Trainers.LinearBinaryModelParameters.ctor(IHostEnvironment, ref VBuffer<Single>, Single, ModelStatisticsBase)", checkedMembers);
        Assert.Contains("Microsoft.ML.Data.MulticlassPredictionTransformer<MaximumEntropyModelParameters>.ctor(IHostEnvironment, MaximumEntropyModelParameters, DataViewSchema, String, String, String, String)", checkedMembers);
        MlNetInternals.EnsureVerified();
    }

    [Fact]
    public void The_loaded_Microsoft_ML_is_the_one_this_build_restored_and_is_in_the_supported_range()
    {
        string restored = typeof(MlNetInternalsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MlNetVersion").Value!;
        Assert.Equal(restored, MlNetInternals.LoadedVersion);
        var loaded = Version.Parse(MlNetInternals.LoadedVersion);
        Assert.True(loaded >= Version.Parse(MlNetInternals.MinimumVersion) && loaded < Version.Parse(MlNetInternals.UpperBoundExclusive),
            $"Microsoft.ML {loaded} is outside the supported range {MlNetInternals.SupportedRange}");
    }

    [Fact]
    public void A_missing_member_is_reported_with_the_loaded_version_the_member_and_the_supported_range()
    {
        var missing = MlNetInternals.Constructor(() => (typeof(MaximumEntropyModelParameters), [typeof(IHostEnvironment), typeof(Guid)]));
        string expected = $"MLNet.DeepExtensions needs Microsoft.ML >= 5.0.1 < 7.0.0; the loaded Microsoft.ML {MlNetInternals.LoadedVersion} " +
            "lacks Microsoft.ML.Trainers.MaximumEntropyModelParameters.ctor(IHostEnvironment, Guid).";

        var verify = Assert.Throws<InvalidOperationException>(() => MlNetInternals.Verify([MlNetInternals.Constructor(() => (typeof(LinearRegressionModelParameters),
            [typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float)])), missing]));
        Assert.Equal(expected, verify.Message);
        var use = Assert.Throws<InvalidOperationException>(() => missing.Value);
        Assert.Equal(expected, use.Message);
        Assert.Matches(@"^\d+\.\d+\.\d+", MlNetInternals.LoadedVersion);
    }
}
