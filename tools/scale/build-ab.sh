#!/usr/bin/env bash
# Whole-build cost of DeploySpec, A/B: a project with N deployments (10 models x N/10 clusters, one deployment per
# pair) against the same classes without attributes, both with the generator and analyzers loaded from this
# repository. Builds alternate (A, B, A, B, ...), each a full recompile (--no-incremental); prints the median wall
# time of each, their ratio, and the peak resident memory of the build's processes.
#
#   tools/scale/build-ab.sh N [RUNS]      e.g. tools/scale/build-ab.sh 100 3
#   SERVER=1 tools/scale/build-ab.sh N    the same through the compiler server (as dotnet build does by default):
#                                         one warm-up build of each first, so neither pays the server's start
#
# Build the repository first (dotnet build DeploySpec.sln -c Release): the projects load those binaries.
set -euo pipefail
N=${1:?usage: build-ab.sh N [RUNS]}
RUNS=${2:-3}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${TMPDIR:-/tmp}/deployspec-scale-$N"
BIN="$ROOT/generators/DeploySpec.Generators/bin/Release/netstandard2.0"
[ -f "$BIN/DeploySpec.Generators.dll" ] || { echo "build first: dotnet build DeploySpec.sln -c Release" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK/with" "$WORK/without" "$WORK/analyzers"
# One folder of analyzer assemblies, as the NuGet package's analyzers/dotnet/cs: the compiler then loads the engine
# once for the generator and the analyzer, so they share its planning cache.
cp "$BIN"/DeploySpec*.dll "$ROOT/analyzers/DeploySpec.Analyzers/bin/Release/netstandard2.0/DeploySpec.Analyzers.dll" "$WORK/analyzers/"
PKG="$WORK/analyzers"

models=$(( N < 10 ? N : 10 ))
clusters=$(( (N + models - 1) / models ))
gpus=(1 2 4 8)

write_project() { # $1 = dir, $2 = with|without
  cat > "$1/Scale.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <!-- The prebuilt Release binaries, so that each measured build compiles this project alone. -->
  <ItemGroup>
    <Reference Include="$BIN/DeploySpec.dll;$BIN/DeploySpec.Engine.dll" />
    <Analyzer Include="$PKG/DeploySpec.Generators.dll;$PKG/DeploySpec.Analyzers.dll;$PKG/DeploySpec.Parsing.dll;$PKG/DeploySpec.Engine.dll;$PKG/DeploySpec.dll" />
  </ItemGroup>
</Project>
XML
  echo "<Project />" > "$1/Directory.Build.props"
  echo "<Project />" > "$1/Directory.Packages.props"
  {
    echo "using DeploySpec;"
    echo "namespace Scale;"
    for m in $(seq 0 $((models - 1))); do
      layers=$(( 16 + 8 * m ))
      [ "$2" = with ] && echo "[Model(Layers = $layers, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]"
      echo "public partial class Model$m { }"
    done
    for c in $(seq 0 $((clusters - 1))); do
      g=${gpus[$(( c % 4 ))]}; nodes=$(( 1 + c / 4 ))
      [ "$2" = with ] && echo "[Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = $g, Nodes = $nodes)]"
      echo "public partial class Cluster$c { }"
    done
    i=0
    for c in $(seq 0 $((clusters - 1))); do
      for m in $(seq 0 $((models - 1))); do
        [ $i -ge "$N" ] && break
        [ "$2" = with ] && echo "[Deployment(typeof(Model$m), typeof(Cluster$c), InputTokens = $(( 1024 + i )), OutputTokens = 256)]"
        echo "public partial class Deployment$i { }"
        i=$((i + 1))
      done
    done
  } > "$1/Specs.cs"
}

write_project "$WORK/with" with
write_project "$WORK/without" without
for v in with without; do dotnet restore "$WORK/$v" -nologo -v:q >/dev/null; done

measure() { # $1 = dir; prints "seconds peakKiB"
  local out
  out=$( { /usr/bin/time -f "%e %M" dotnet build "$1" -c Release --no-restore --no-incremental -nologo -v:q -p:UseSharedCompilation=$SHARED >/dev/null; } 2>&1 | tail -n 1)
  echo "$out"
}

SHARED=false
if [ "${SERVER:-0}" = 1 ]; then
  SHARED=true
  dotnet build-server shutdown >/dev/null 2>&1 || true
  measure "$WORK/with" >/dev/null; measure "$WORK/without" >/dev/null
fi
declare -a A B AM BM
for r in $(seq 1 "$RUNS"); do
  read -r t m < <(measure "$WORK/with");    A+=("$t"); AM+=("$m")
  read -r t m < <(measure "$WORK/without"); B+=("$t"); BM+=("$m")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ma=$(median "${A[@]}"); mb=$(median "${B[@]}")
pa=$(printf '%s\n' "${AM[@]}" | sort -g | tail -n 1); pb=$(printf '%s\n' "${BM[@]}" | sort -g | tail -n 1)
lines=$(cat "$WORK"/with/obj/Release/net10.0/generated/*/*/*.g.cs 2>/dev/null | wc -l || echo 0)
bytes=$(cat "$WORK"/with/obj/Release/net10.0/generated/*/*/*.g.cs 2>/dev/null | wc -c || echo 0)
awk -v server="$([ "$SHARED" = true ] && echo ' (compiler server; peak memory is the build client, not the server)' || echo '')" -v n="$N" -v a="$ma" -v b="$mb" -v pa="$pa" -v pb="$pb" -v runs="$RUNS" -v l="$lines" -v by="$bytes" 'BEGIN {
  printf "N=%d deployments, %d runs each%s: with DeploySpec %.1f s, without %.1f s, ratio %.2fx; peak memory %.0f MB vs %.0f MB\n", n, runs, server, a, b, a / b, pa / 1024, pb / 1024
}'
echo "generated: ${lines} lines, ${bytes} bytes (needs EmitCompilerGeneratedFiles to count; 0 when off)"
