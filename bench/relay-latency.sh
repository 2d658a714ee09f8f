#!/usr/bin/env bash
# The latency the origin -> edge relay hop adds, measured with timestamps carried in the stream.
#
# usage: bench/relay-latency.sh [options]
#   --streams N           streams over the one relay connection (default 1)
#   --duration S          measured window (default 30), after --warmup S (default 5)
#   --fps F               video frames per second per stream (default 30); --gop N: keyframe every N (default 30)
#   --audio-rate R        audio packets per second per stream (default 43, AAC at 44.1 kHz)
#   --video-bytes B       video frame payload (default 10000); --keyframe-bytes B (default 50000)
#   --audio-bytes B       audio packet payload (default 400)
#   --flush-ms MS         the origin's relay flush interval (default 10, RelayServer.Timing.DEFAULTS)
#   --out DIR             logs, raw records and results (default bench/out/relay-latency-<time>)
#
# Build first:  mvn -B -q -f bench/relay-latency/pom.xml package  (after the root's jars are in ~/.m2)
# Needs: java 17, python3; taskset if there (origin on core 0, edge on core 1).
#
# What runs where: the origin JVM (DefaultStreamHub + RelayServer on 127.0.0.1, the publisher thread, and a local
# subscriber per stream draining the same hub: the baseline) on core 0; the edge JVM (RelayClient + RelayedStream
# into its own DefaultStreamHub, a subscriber per stream draining it) on core 1. Each payload starts with the
# wall-clock time (epoch us, Clock.systemUTC(): both JVMs read the same kernel clock) at which it was handed to the
# origin hub; each subscriber stamps a packet when it polls it from its hub. The report joins the records:
# (a) origin-local delivery, (b) edge delivery, (c) per packet (b) - (a), what the hop adds; lost = sent in the
# window and never drained.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO/bench/out/relay-latency-$(date +%Y%m%d-%H%M%S)"
JAR="$REPO/bench/relay-latency/target/relay-latency.jar"
STREAMS=1
DURATION=30
WARMUP=5
ORIGIN_ARGS=()

while (($#)); do
  case "$1" in
    --streams) STREAMS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --fps|--gop|--audio-rate|--video-bytes|--keyframe-bytes|--audio-bytes|--flush-ms) ORIGIN_ARGS+=("$1" "$2"); shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in java python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[[ -f "$JAR" ]] || { echo "no bench jar at $JAR: mvn -B -q -f bench/relay-latency/pom.xml package" >&2; exit 1; }
ORIGIN_PIN=()
EDGE_PIN=()
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  ORIGIN_PIN=(taskset -c 0)
  EDGE_PIN=(taskset -c 1)
else
  echo "no taskset or fewer than 2 cores: the two JVMs are not pinned" >&2
fi

bench_workdir
# the shipped JVM flags that matter for pauses (bin/aqueduct): G1, 50 ms pause goal
JVM=(java -Xms32m -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$JAR")
port="$(free_port)"
max_seconds=$(python3 -c "print(int($WARMUP + $DURATION + 120))")

echo "results in $OUT"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "kernel: $(uname -r); $(java -version 2>&1 | head -n 1); clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo '?')"
  echo "pinning: origin ${ORIGIN_PIN[*]:-none}, edge ${EDGE_PIN[*]:-none}"
  echo "relay-latency: $STREAMS streams, warm-up $WARMUP s, window $DURATION s ${ORIGIN_ARGS[*]}"
} | tee "$OUT/env.txt"

"${ORIGIN_PIN[@]}" timeout -k 5 "$max_seconds" "${JVM[@]}" origin --port "$port" --out "$OUT" --streams "$STREAMS" \
  --duration "$DURATION" --warmup "$WARMUP" "${ORIGIN_ARGS[@]}" > "$OUT/origin.log" 2>&1 < /dev/null &
origin_pid=$!
pids+=("$origin_pid")
wait_port "$port" 30 || { echo "the origin did not listen on $port; see $OUT/origin.log" >&2; exit 1; }

"${EDGE_PIN[@]}" timeout -k 5 "$max_seconds" "${JVM[@]}" edge --port "$port" --out "$OUT" --streams "$STREAMS" \
  --max-seconds "$max_seconds" > "$OUT/edge.log" 2>&1 < /dev/null &
edge_pid=$!
pids+=("$edge_pid")

wait "$origin_pid" || { echo "the origin failed (exit $?); see $OUT/origin.log" >&2; cat "$OUT/origin.log" >&2; exit 1; }
wait "$edge_pid" || { echo "the edge failed (exit $?); see $OUT/edge.log" >&2; cat "$OUT/edge.log" >&2; exit 1; }
cat "$OUT/origin.log" "$OUT/edge.log"
echo
java -jar "$JAR" report --out "$OUT" | tee "$OUT/report.txt"
