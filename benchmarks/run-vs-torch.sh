#!/usr/bin/env bash
# Runs our engine and TorchSharp-cpu 0.107 side by side on the protocol of shared/ANCHORS.md and prints one table per
# workload (GEMM, MLP, autoencoder, CNN, the MLP through ML.NET, memory, allocations) with medians and ours / TorchSharp.
#
# usage: bash benchmarks/run-vs-torch.sh [--reps N] [--workloads gemm,mlp,ae,cnn,mlnet,lstm,gru,mlnet-lstm] [--epochs N]
#                                        [--allocator jemalloc|glibc] [--write docs/BENCHMARKS.md] [--no-build]
#
# --only is a synonym of --workloads (default: all of them). --epochs N (at least 2) cuts every training run to N
# epochs for a quick look. --write replaces the generated section(s) of the file: the main vs-torch section when the
# run includes a workload other than cnn, the CNN subsection when it includes cnn.
# Steps: build Release; patch the build output's copy of libLibTorchSharp.so for Debian 12's libstdc++ (never the NuGet
# cache); set the allocator (jemalloc by default, the same for both sides); run the driver, which starts one process
# per side and repetition, alternating which side goes first. About 3 minutes on a quiet 2-core machine with the
# default 5 repetitions without the CNN; the CNN adds 1-1.5 minutes per side and repetition (3 epochs of 14-22 s plus
# data loading and inference). Far longer when the machine is busy (libtorch's OpenMP threads slow down badly under
# contention).
set -euo pipefail
cd "$(dirname "$0")/.."

reps=5
only=""
epochs=""
allocator=jemalloc
write=""
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --only|--workloads) only="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --allocator) allocator="$2"; shift 2 ;;
        --write) write="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

project=benchmarks/MLNet.DeepExtensions.Benchmarks.VsTorch
out="$project/bin/Release/net10.0"
data=/usr/share/datasets/fashion-mnist
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    if [ ! -f "$data/$f" ]; then
        echo "error: $data/$f is missing. Install Debian's Fashion-MNIST: apt-get install -y dataset-fashion-mnist" >&2
        exit 1
    fi
done

patcher=""
for candidate in ../shared/tools/patch_glibcxx.py shared/tools/patch_glibcxx.py /work/shared/tools/patch_glibcxx.py; do
    if [ -f "$candidate" ]; then patcher="$candidate"; break; fi
done
if [ -z "$patcher" ]; then
    echo "error: shared/tools/patch_glibcxx.py not found (looked in ../shared/tools and shared/tools)" >&2
    exit 1
fi

if [ "$build" -eq 1 ]; then
    dotnet build "$project" -c Release -nologo -v quiet
fi
native="$out/runtimes/linux-x64/native/libLibTorchSharp.so"
if [ ! -f "$native" ]; then
    echo "error: $native is missing: build first (drop --no-build)" >&2
    exit 1
fi
# TorchSharp 0.107's native library asks for GLIBCXX_3.4.32; Debian 12 has 3.4.30. Patch the build output's copy only.
python3 "$patcher" "$native"

case "$allocator" in
    jemalloc)
        jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
        if [ ! -f "$jemalloc" ]; then
            echo "error: $jemalloc is missing. Install it: apt-get install -y libjemalloc2 (or pass --allocator glibc)" >&2
            exit 1
        fi
        export LD_PRELOAD="$jemalloc"
        export MALLOC_CONF="dirty_decay_ms:-1,muzzy_decay_ms:-1"
        ;;
    glibc)
        unset LD_PRELOAD MALLOC_CONF || true
        ;;
    *) echo "error: --allocator must be jemalloc or glibc" >&2; exit 2 ;;
esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command="bash benchmarks/run-vs-torch.sh --reps $reps"
[ -n "$only" ] && command="$command --workloads $only"
[ -n "$epochs" ] && command="$command --epochs $epochs"
[ "$allocator" != jemalloc ] && command="$command --allocator $allocator"
[ -n "$write" ] && command="$command --write $write"

args=(all --reps "$reps" --command "$command")
[ -n "$only" ] && args+=(--workloads "$only")
[ -n "$epochs" ] && args+=(--epochs "$epochs")
[ -n "$write" ] && args+=(--write "$write")
exec "$out/MLNet.DeepExtensions.Benchmarks.VsTorch" "${args[@]}"
