#!/usr/bin/env bash
# Cluster registry under load: many simulated nodes heartbeating while others look up stream origins.
#
# usage: bench/registry-load.sh [options]
#   --backends LIST       embedded,memory (default both, in that order): embedded = the registry as shipped
#                         (bin/aqueduct registry: mongo-java-server with its H2 file); memory = mongo-java-server's
#                         memory backend, same JVM flags, for a second figure
#   --nodes N             simulated nodes (default 1000)
#   --streams N           streams, claimed round-robin by the nodes (default 100000)
#   --period-ms MS        heartbeat period of every node (default 1000, as real nodes)
#   --window S            measured window (default 30), after --warmup S (default 5)
#   --lookup-threads N    origin lookups of random streams, as fast as they go (default 4)
#   --lookup-rate R       total lookups per second instead of as fast as they go (default 0 = unthrottled)
#   --populate MODE       claim (ClusterRegistry.claimOrigin per stream, default) or bulk (insertMany, same documents)
#   --gc-log              log the registry JVM's collections to DIR/<backend>-gc.log (through JAVA_TOOL_OPTIONS)
#   --out DIR             logs and results (default bench/out/registry-load-<time>)
#   --dist DIR            the built appliance (default distribution/target/aqueduct); without one the embedded
#                         registry is started from the load client's classpath with the same JVM flags
#   -- ARGS...            anything after -- goes to the load client as is (see java -jar registry-load.jar --help)
#
# Build first:  mvn -B -q -f bench/registry-load/pom.xml package  (and the distribution, for bin/aqueduct registry)
# Needs: java 17, taskset, python3.
#
# What runs where: the registry server, a JVM of its own, pinned to core 0 (as bin/aqueduct registry starts it:
# -XX:+UseSerialGC -Xms16m, default heap limit); the load client (bench/registry-load) on core 1. Each simulated
# node is a ClusterRegistry with its own MongoDB client (so the server sees one connection and one driver monitor
# per node, like a real cluster); the nodes' heartbeats run on a thread pool. Backends run one after the other, each
# on a fresh, empty registry. The load client reads the server's CPU (utime+stime) and RSS from /proc.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKENDS="embedded,memory"
NODES=1000
STREAMS=100000
PERIOD_MS=1000
WINDOW=30
WARMUP=5
LOOKUP_THREADS=4
LOOKUP_RATE=0
POPULATE=claim
OUT="$REPO/bench/out/registry-load-$(date +%Y%m%d-%H%M%S)"
DIST="$REPO/distribution/target/aqueduct"
LOADER="$REPO/bench/registry-load/target/registry-load.jar"
SERVER_CORE=0
LOAD_CORE=1
EXTRA=()
GC_LOG=false

while (($#)); do
  case "$1" in
    --backends) BACKENDS="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --period-ms) PERIOD_MS="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --lookup-threads) LOOKUP_THREADS="$2"; shift 2 ;;
    --lookup-rate) LOOKUP_RATE="$2"; shift 2 ;;
    --populate) POPULATE="$2"; shift 2 ;;
    --gc-log) GC_LOG=true; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in java taskset python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[[ -f "$LOADER" ]] || { echo "no load client at $LOADER: mvn -B -q -f bench/registry-load/pom.xml package" >&2; exit 1; }
(( $(nproc) >= 2 )) || { echo "needs 2 cores (registry on one, load client on the other)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" # a connection per node on both sides

bench_workdir
CP="$LOADER:$(dirname "$LOADER")/lib/*"

echo "results in $OUT"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "kernel: $(uname -r); $(java -version 2>&1 | head -n 1)"
  echo "registry: ${BACKENDS}; $NODES nodes, $STREAMS streams, period $PERIOD_MS ms, warm-up $WARMUP s, window $WINDOW s, $LOOKUP_THREADS lookup threads (rate ${LOOKUP_RATE}/s, 0 = unthrottled), populate $POPULATE"
} | tee "$OUT/env.txt"

start_registry() { # $1 = backend; sets server_pid, port, data_file
  port="$(free_port)"
  data_file=""
  local tool_opts="${JAVA_TOOL_OPTIONS:-}"
  if [[ "$GC_LOG" == true ]]; then
    export JAVA_TOOL_OPTIONS="$tool_opts -Xlog:gc:file=$OUT/$1-gc.log"
  fi
  case "$1" in
    embedded)
      data_file="$work/registry.mv.db"
      rm -f "$data_file"
      if [[ -x "$DIST/bin/aqueduct" ]]; then
        echo "embedded registry: $DIST/bin/aqueduct registry"
        # bin/aqueduct registry execs java, so $! is the JVM
        taskset -c "$SERVER_CORE" "$DIST/bin/aqueduct" registry --host 127.0.0.1 --port "$port" --path "$data_file" \
          > "$OUT/embedded-server.log" 2>&1 < /dev/null &
      else
        echo "embedded registry: no distribution at $DIST, EmbeddedRegistry from the load client's classpath"
        taskset -c "$SERVER_CORE" java -XX:+UseSerialGC -Xms16m -cp "$CP" \
          io.aqueduct.cluster.embedded.RegistryCommand 127.0.0.1 "$port" "$data_file" \
          > "$OUT/embedded-server.log" 2>&1 < /dev/null &
      fi
      ;;
    memory)
      taskset -c "$SERVER_CORE" java -XX:+UseSerialGC -Xms16m -cp "$CP" \
        io.aqueduct.bench.registryload.MemoryRegistry 127.0.0.1 "$port" > "$OUT/memory-server.log" 2>&1 < /dev/null &
      ;;
    *) echo "unknown backend $1 (embedded or memory)" >&2; exit 2 ;;
  esac
  server_pid=$!
  pids+=("$server_pid")
  if [[ -n "$tool_opts" ]]; then export JAVA_TOOL_OPTIONS="$tool_opts"; else unset JAVA_TOOL_OPTIONS; fi
  wait_port "$port" 30 || { echo "the $1 registry did not listen on $port; see $OUT/$1-server.log" >&2; exit 1; }
  sleep 1
}

IFS=',' read -r -a backend_list <<< "$BACKENDS"
for b in "${backend_list[@]}"; do
  echo
  echo "=== $b ==="
  start_registry "$b"
  args=(--uri "mongodb://127.0.0.1:$port" --label "$b" --server-pid "$server_pid" --nodes "$NODES"
    --streams "$STREAMS" --period-ms "$PERIOD_MS" --window "$WINDOW" --warmup "$WARMUP"
    --lookup-threads "$LOOKUP_THREADS" --lookup-rate "$LOOKUP_RATE" --populate "$POPULATE" --max-seconds 900)
  [[ -n "$data_file" ]] && args+=(--data-file "$data_file")
  # bounded: the client halts itself after --max-seconds, timeout is the backstop
  timeout -k 5 930 taskset -c "$LOAD_CORE" java -Xms256m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -jar "$LOADER" "${args[@]}" "${EXTRA[@]}" | tee "$OUT/$b.out" || echo "the load client failed (exit $?)"
  stop_pid "$server_pid"
done

echo
echo "=== summary ==="
grep -h '^RESULT' "$OUT"/*.out | tee "$OUT/summary.txt" || true
