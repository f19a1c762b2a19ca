#!/usr/bin/env bash
# The generator's first run in a fresh process, the fixed part of every build's cost (docs/performance.md): runs
# tools/scale/FirstRun on the N-deployment project that tools/scale/build-ab.sh wrote and on its attribute-free
# twin, and prints each one's wall time and JIT work.
#
#   tools/scale/build-ab.sh 100 1 && tools/scale/first-run.sh 100
set -euo pipefail
N=${1:?usage: first-run.sh N (after tools/scale/build-ab.sh N)}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${TMPDIR:-/tmp}/deployspec-scale-$N"
[ -f "$WORK/with/Specs.cs" ] || { echo "run tools/scale/build-ab.sh $N first" >&2; exit 1; }
dotnet build "$ROOT/tools/scale/FirstRun" -c Release -nologo -v:q >/dev/null
for v in with without; do
  echo "== $v DeploySpec attributes ($N deployments)"
  dotnet "$ROOT/tools/scale/FirstRun/bin/Release/net10.0/FirstRun.dll" "$WORK/analyzers" "$WORK/$v/Specs.cs"
done
