#!/usr/bin/env bash
# Footprint benchmark of the node agent's `run` mode.
#
#   cd node-agent && ../mvnw -q -pl .. package -DskipTests   # or any build that makes the jar
#   bench/footprint.sh [MIRRORS=200] [SECONDS=20]
#
# Measures, for a node with hosts + containerd + docker + containers outputs:
#   - start to first apply (ms): from the JVM's process start to the end of the first apply
#     (the agent's own "first apply done" line), plus the wall time seen by this script;
#   - the first apply of N mirrors (ms) (writes every file: N*10+1 files, each fsynced), beside
#     the file system's floor for the same files (bench/FsFloor.java: only mkdir, write, fsync,
#     rename, fsync of the directories, same threads), as a ratio;
#     and a second, no-change apply of the same N mirrors (after restart: reads and compares only);
#   - a warm apply that rewrites every CA file (a CA rotation: 1,400 files for 200 mirrors);
#   - RSS after SECONDS of re-asserting every second (steady), the max sampled, and VmHWM (peak).
# Targets from the issue: RSS <= 64 MiB steady; start to first apply <= 1.5 s; 200 mirrors <= 200 ms.
set -euo pipefail
N=${1:-200}
SECS=${2:-20}
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$here/target/mirrorgate-node-agent.jar
java=${JAVA:-$("$here/../.ci/java-home" 2>/dev/null || dirname "$(dirname "$(readlink -f "$(command -v java)")")")/bin/java}
[ -f "$jar" ] || { echo "build the jar first: $jar" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work" "${ROOT_BASE:+$root}"' EXIT

# The JVM flags and malloc setting the DaemonSet ships (its JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX),
# unless JAVA_OPTS is given for an experiment.
manifest=$here/../manifests/kustomize/node-agent/daemonset.yaml
shipped_env() { bash "$here/../.ci/shipped-env" "$manifest" "$1"; }
JAVA_OPTS=${JAVA_OPTS:-"$(shipped_env JAVA_TOOL_OPTIONS) --enable-native-access=ALL-UNNAMED"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-$(shipped_env MALLOC_ARENA_MAX)}
echo "JVM flags: $JAVA_OPTS; MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX"

root=${ROOT_BASE:+$(mktemp -d -p "$ROOT_BASE")}
root=${root:-$work/root}
mkdir -p "$root/etc/containerd" "$root/etc/docker" "$root/etc/containers"
printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
{
  echo "mirrors:"
  for i in $(seq 0 $((N - 1))); do
    cat <<EOT
  - name: m$i
    upstream: registry$i.example.com
    endpoint: https://10.96.$((i / 250)).$((i % 250 + 1)):443
    masquerade: mirror$i.mirrorgate.test
    address: 10.96.$((i / 250)).$((i % 250 + 1))
    caBundle: |
      -----BEGIN CERTIFICATE-----
      MIIBszCCAVmgAwIBAgIUbenchmarkbenchmarkbenchmarkbenchmarkMAoGCCqGSM49BAMC
      -----END CERTIFICATE-----
EOT
  done
} > "$work/mirrors.yaml"

run_agent() { # $1 = log file
  "$java" $JAVA_OPTS -jar "$jar" run --mirrors "$work/mirrors.yaml" --host-root "$root" \
    --health-port 0 --health-address 127.0.0.1 --resync 1s 2> "$1" &
  pid=$!
  t0=$(date +%s%N)
  while ! grep -q '"first apply done"' "$1"; do
    kill -0 "$pid" 2>/dev/null || { cat "$1" >&2; exit 1; }
    sleep 0.02
  done
  wall_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
field() { grep '"first apply done"' "$1" | sed -E "s/.*\"$2\":([0-9-]+).*/\1/"; }

# Warm-up start (file cache, like a node that has run the image before), then measure.
run_agent "$work/warmup.log"; kill "$pid"; wait "$pid" 2>/dev/null || true
# The file system's floor for the same files and the same durability, on the same file system,
# measured just before the agent's first apply and in the same conditions (both after a sync).
tree=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
cp -a "$root/." "$tree/"
floor_dir=$(mktemp -d -p "$(dirname "$root")")
sync
floor_ms=$("$java" "$here/bench/FsFloor.java" "$tree" "$floor_dir" | sed -E 's/floor_ms=([0-9]+).*/\1/')
rm -rf "$floor_dir" "$tree"
"$java" $JAVA_OPTS -jar "$jar" cleanup --host-root "$root" 2>/dev/null
sync

run_agent "$work/first.log"
first_apply_ms=$(field "$work/first.log" applyMs)
first_start_ms=$(field "$work/first.log" sinceStartMs)
first_written=$(field "$work/first.log" written)
first_wall=$wall_ms
max_rss=0
for _ in $(seq 1 "$SECS"); do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  [ "$rss" -gt "$max_rss" ] && max_rss=$rss
  sleep 1
done
# A warm update: every mirror's CA changes, so every CA file and nothing else is rewritten.
sed -i 's/MIIBszCCAVmgAwIBAgIUbenchmark/MIIBszCCAVmgAwIBAgIUrotated00/' "$work/mirrors.yaml"
while ! grep -q '"applied","applyMs"' <(grep -v first "$work/first.log" | tail -n +3); do sleep 0.05; done
update_ms=$(grep '"applied","applyMs"' "$work/first.log" | tail -1 | sed -E 's/.*"applyMs":([0-9]+).*/\1/')
update_written=$(grep '"applied","applyMs"' "$work/first.log" | tail -1 | grep -o '"... [0-9]* more"' | grep -o '[0-9]*')
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
end_rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" 2>/dev/null || true

run_agent "$work/second.log"
second_apply_ms=$(field "$work/second.log" applyMs)
second_start_ms=$(field "$work/second.log" sinceStartMs)
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "mirrors=$N files_written_first_apply=$first_written"
echo "start_to_first_apply_ms=$first_start_ms (wall seen by script: ${first_wall}) [target <= 1500]"
echo "first_apply_ms=$first_apply_ms (writes every file) [target <= 200]"
echo "fs_floor_ms=$floor_ms (the same files, created, fsynced and renamed by bench/FsFloor.java; apply/floor = $(awk -v a="$first_apply_ms" -v f="$floor_ms" 'BEGIN { printf "%.2f", a / f }'))"
echo "warm_update_apply_ms=$update_ms (every CA file rewritten: $((update_written + 20)) files)"
echo "restart_start_to_first_apply_ms=$second_start_ms no_change_apply_ms=$second_apply_ms"
echo "steady_rss_end_mib=$((end_rss / 1024)) rss_max_sampled_mib=$((max_rss / 1024)) vmhwm_mib=$((hwm / 1024)) [target <= 64]"
