using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>What a reader needs to compare numbers across machines.</summary>
internal static class MachineInfo
{
    /// <summary>CPU model (from /proc/cpuinfo where available), logical processors and SIMD level.</summary>
    public static string Describe()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        string family = "";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string? model = null, fam = null, mod = null;
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    int colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
                    if (key == "model name") model ??= value;
                    else if (key == "cpu family") fam ??= value;
                    else if (key == "model") mod ??= value;
                    if (model is not null && fam is not null && mod is not null) break;
                }
                if (model is not null) cpu = model;
                if (fam is not null && mod is not null) family = $" (family {fam}, model {mod})";
            }
        }
        catch (IOException)
        {
        }
        string simd = Avx512F.IsSupported ? "AVX-512F" : Avx2.IsSupported ? "AVX2" : "no AVX2";
        return $"{cpu}{family}, {Environment.ProcessorCount} logical processors, {simd}, .NET {Environment.Version}, {RuntimeInformation.OSDescription}";
    }
}
