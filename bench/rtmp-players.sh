#!/usr/bin/env bash
# RTMP players per core: Aqueduct and nginx-rtmp side by side on the same source; and a cluster edge against its
# origin serving the players directly.
#
# usage: bench/rtmp-players.sh [options]
#   --servers LIST        aqueduct,nginx (default both, in that order); also origin and edge:
#                           origin: a cluster origin serves the players (the registry runs on the loader's core)
#                           edge:   an edge serves the players, pulling the stream over the relay from an origin
#                                   that runs with the registry on the loader's core (the publisher publishes there)
#   --steps LIST          player counts (default 100,250,500,1000,2000,4000,8000); a server stops at its first failing step
#   --window S            steady measurement per step (default 20)
#   --settle S            wait after each ramp before measuring (default 3)
#   --strace-step N       after the window of step N, `strace -c -f` the server for 5 s (diagnostic; default off)
#   --source-seconds S    length of the encoded source, looped by the publisher (default 60)
#   --out DIR             logs and results (default bench/out/rtmp-players-<time>)
#   --dist DIR            the built appliance (default distribution/target/aqueduct)
#
# Build first:  mvn -B -q -o install -DskipTests && mvn -B -q -f bench/rtmp-load/pom.xml package
# Needs: java 17, ffmpeg, nginx + libnginx-mod-rtmp, taskset, curl (strace for --strace-step). Run as a user
# whose open-file limit (hard) is well above the largest step (20000 here).
#
# The source: ffmpeg's lavfi testsrc 1280x720 at 30 fps, libx264 veryfast at 2.5 Mb/s constant bit rate
# (-b:v/-maxrate/-bufsize 2500k, nal-hrd=cbr so the rate holds on a simple picture), 1 s GOP (-g 30), and AAC
# 128 kb/s, encoded ONCE to an FLV file; each server gets the same file, published in real time (-re, looped)
# with -c copy. Encoding once keeps the source byte-identical for both servers and keeps x264 off the loader's
# core. The server runs pinned to core 0 (Aqueduct's JVM with -XX:ActiveProcessorCount=1, nginx with one
# worker); the publisher and the load client (bench/rtmp-load) run pinned to core 1. Servers run one after
# the other, never together. The load client measures the server's CPU (utime+stime) and RSS from /proc.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVERS="aqueduct,nginx"
STEPS="100,250,500,1000,2000,4000,8000"
WINDOW=20
SETTLE=3
STRACE_STEP=-1
SOURCE_SECONDS=60
OUT="$REPO/bench/out/rtmp-players-$(date +%Y%m%d-%H%M%S)"
DIST="$REPO/distribution/target/aqueduct"
LOADER="$REPO/bench/rtmp-load/target/rtmp-load.jar"
SERVER_CORE=0
LOAD_CORE=1

while (($#)); do
  case "$1" in
    --servers) SERVERS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    --strace-step) STRACE_STEP="$2"; shift 2 ;;
    --source-seconds) SOURCE_SECONDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

NGINX_MODULE=""
for m in /usr/lib/nginx/modules/ngx_rtmp_module.so /usr/share/nginx/modules/ngx_rtmp_module.so; do
  [[ -f "$m" ]] && NGINX_MODULE="$m" && break
done
for tool in java ffmpeg taskset curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[[ -x "$DIST/bin/aqueduct" ]] || { echo "no distribution at $DIST: mvn -B -q -o install -DskipTests" >&2; exit 1; }
[[ -f "$LOADER" ]] || { echo "no load client at $LOADER: mvn -B -q -f bench/rtmp-load/pom.xml package" >&2; exit 1; }
if [[ ",$SERVERS," == *",nginx,"* ]]; then
  command -v nginx >/dev/null && [[ -n "$NGINX_MODULE" ]] || { echo "nginx and libnginx-mod-rtmp are needed" >&2; exit 1; }
fi
(( $(nproc) >= 2 )) || { echo "needs 2 cores (server on one, loader on the other)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" # each player is a descriptor in the server and one in the loader
(( $(ulimit -n) >= 10000 )) || echo "warning: only $(ulimit -n) open files allowed; large steps will fail on descriptors" >&2

mkdir -p "$OUT"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  sleep 0.5
  for p in "${pids[@]}"; do
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "results in $OUT"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "kernel: $(uname -r); $(java -version 2>&1 | head -n 1); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); $(nginx -v 2>&1)"
  echo "aqueduct rtmp config: $(grep -v '^#' "$DIST/config/io.aqueduct.rtmp.cfg" | grep . | tr '\n' ' ')"
  echo "steps: $STEPS, window ${WINDOW} s, settle ${SETTLE} s"
} | tee "$OUT/env.txt"

source_file="$work/source.flv"
echo "encoding the source (${SOURCE_SECONDS} s)..."
timeout 300 taskset -c "$LOAD_CORE" ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -t "$SOURCE_SECONDS" -map 0:v -map 1:a \
  -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -b:v 2500k -maxrate 2500k -bufsize 2500k \
  -x264-params nal-hrd=cbr -g 30 -keyint_min 30 -sc_threshold 0 \
  -c:a aac -b:a 128k -ac 2 -f flv "$source_file"
echo "source: $(stat -c %s "$source_file") bytes, $(( $(stat -c %s "$source_file") * 8 / SOURCE_SECONDS / 1000 )) kb/s"

# A fresh copy of the distribution in $work/$1 (empty data/ and logs/) on free loopback ports; sets node_home,
# node_rtmp, node_http and node_relay (written to its config/).
copy_node() {
  node_home="$work/$1"
  rm -rf "$node_home"
  mkdir -p "$node_home"
  cp -a "$DIST/." "$node_home/"
  rm -rf "$node_home/data/"* "$node_home/logs/"*
  node_rtmp="$(free_port)"
  node_http="$(free_port)"
  node_relay="$(free_port)"
  sed -i -e "s/^port *=.*/port = $node_rtmp/" -e "s/^host *=.*/host = 127.0.0.1/" "$node_home/config/io.aqueduct.rtmp.cfg"
  sed -i -e "s/^port *=.*/port = $node_http/" -e "s/^host *=.*/host = 127.0.0.1/" "$node_home/config/io.aqueduct.http.cfg"
  sed -i -e "s/^port *=.*/port = $node_relay/" "$node_home/config/io.aqueduct.relay.cfg"
}

start_aqueduct() { # sets server_pid, rtmp_port
  copy_node aqueduct
  local home="$node_home"
  rtmp_port="$node_rtmp"
  # bin/aqueduct run execs java, so $! is the JVM
  AQUEDUCT_JAVA_OPTS="-XX:ActiveProcessorCount=1" taskset -c "$SERVER_CORE" "$home/bin/aqueduct" run \
    > "$OUT/aqueduct-server.log" 2>&1 < /dev/null &
  server_pid=$!
  pids+=("$server_pid")
  wait_port "$rtmp_port" 60 || { echo "Aqueduct did not listen on $rtmp_port; see $OUT/aqueduct-server.log" >&2; exit 1; }
  sleep 5 # let start-up work (JIT, class loading) settle before the idle RSS is read
}

# A copy of the distribution in the cluster (registry at $registry_port) as $2, on free loopback ports, started
# pinned to core $3 with -XX:ActiveProcessorCount=1; sets node_pid and node_rtmp. $1 names it in $work and $OUT.
start_cluster_node() {
  local name="$1" role="$2" core="$3"
  copy_node "$name"
  local home="$node_home" http_port="$node_http"
  "$home/bin/aqueduct" mode cluster "127.0.0.1:$registry_port" --role "$role" > "$OUT/$name-mode.log" 2>&1
  AQUEDUCT_JAVA_OPTS="-XX:ActiveProcessorCount=1" taskset -c "$core" "$home/bin/aqueduct" run \
    > "$OUT/$name-server.log" 2>&1 < /dev/null &
  node_pid=$!
  pids+=("$node_pid")
  wait_port "$node_rtmp" 60 || { echo "$name did not listen on $node_rtmp; see $OUT/$name-server.log" >&2; exit 1; }
  wait_port "$http_port" 30 || { echo "$name did not listen on $http_port; see $OUT/$name-server.log" >&2; exit 1; }
  local t=0
  until curl -sf "http://127.0.0.1:$http_port/health" | grep -q '"name":"cluster-registry","status":"UP"'; do
    sleep 0.2
    t=$((t + 1))
    (( t < 150 )) || { echo "$name did not join the registry; see $OUT/$name-server.log" >&2; exit 1; }
  done
}

# The registry on the loader's core, then the origin (on the server core for `origin`, beside the loader for
# `edge`) and for `edge` the edge on the server core. Sets server_pid, rtmp_port (where players go) and
# publish_port (where the publisher goes).
start_cluster() {
  local kind="$1"
  registry_port="$(free_port)"
  cluster_pids=()
  taskset -c "$LOAD_CORE" "$DIST/bin/aqueduct" registry --host 127.0.0.1 --port "$registry_port" \
    --path "$work/registry.mv.db" > "$OUT/$kind-registry.log" 2>&1 < /dev/null &
  pids+=("$!")
  cluster_pids+=("$!")
  wait_port "$registry_port" 60 || { echo "the registry did not listen; see $OUT/$kind-registry.log" >&2; exit 1; }
  if [[ "$kind" == origin ]]; then
    start_cluster_node "$kind-origin" origin "$SERVER_CORE"
    server_pid="$node_pid"
    rtmp_port="$node_rtmp"
    publish_port="$node_rtmp"
  else
    start_cluster_node "$kind-origin" origin "$LOAD_CORE"
    cluster_pids+=("$node_pid")
    publish_port="$node_rtmp"
    start_cluster_node "$kind-edge" edge "$SERVER_CORE"
    server_pid="$node_pid"
    rtmp_port="$node_rtmp"
  fi
  sleep 5 # let start-up work (JIT, class loading) settle before the idle RSS is read
}

start_nginx() { # sets server_pid (the worker), rtmp_port
  local prefix="$work/nginx"
  rm -rf "$prefix"
  mkdir -p "$prefix/logs"
  rtmp_port="$(free_port)"
  cat > "$prefix/nginx.conf" <<EOF
load_module $NGINX_MODULE;
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $(ulimit -n);
user root;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections $(( $(ulimit -n) - 100 )); }
rtmp {
  server {
    listen 127.0.0.1:$rtmp_port;
    chunk_size 4096;
    application live { live on; }
  }
}
EOF
  taskset -c "$SERVER_CORE" nginx -p "$prefix" -c "$prefix/nginx.conf" > "$OUT/nginx-server.log" 2>&1 < /dev/null &
  nginx_master=$!
  local master=$nginx_master
  pids+=("$master")
  wait_port "$rtmp_port" 20 || { echo "nginx did not listen; see $OUT/nginx-server.log" >&2; cat "$prefix/logs/error.log" >&2; exit 1; }
  server_pid="$(pgrep -P "$master" | head -n 1)"
  [[ -n "$server_pid" ]] || { echo "no nginx worker under $master" >&2; exit 1; }
  pids+=("$server_pid")
  sleep 2
}

run_server() {
  local name="$1"
  echo
  echo "=== $name ==="
  publish_port=""
  case "$name" in
    aqueduct) start_aqueduct ;;
    nginx) start_nginx ;;
    origin|edge) start_cluster "$name" ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  local url="rtmp://127.0.0.1:$rtmp_port/live/bench"
  taskset -c "$LOAD_CORE" ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$source_file" -c copy \
    -f flv "rtmp://127.0.0.1:${publish_port:-$rtmp_port}/live/bench" > "$OUT/$name-publisher.log" 2>&1 < /dev/null &
  local publisher=$!
  pids+=("$publisher")
  sleep 3
  kill -0 "$publisher" 2>/dev/null || { echo "the publisher exited; see $OUT/$name-publisher.log" >&2; exit 1; }

  # bounded: the loader halts itself after --max-seconds, timeout is the backstop
  local steps_n max_s
  steps_n=$(tr ',' '\n' <<< "$STEPS" | wc -l)
  max_s=$(( 60 + steps_n * (WINDOW + SETTLE + 50) + 30 ))
  timeout -k 5 $((max_s + 30)) taskset -c "$LOAD_CORE" java -XX:ActiveProcessorCount=1 -Xms256m -Xmx1g \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$LOADER" \
    --url "$url" --label "$name" --server-pid "$server_pid" --steps "$STEPS" --window "$WINDOW" --settle "$SETTLE" \
    --threads 1 --strace-step "$STRACE_STEP" --strace-out "$OUT/$name-strace-$STRACE_STEP.txt" --max-seconds "$max_s" \
    | tee "$OUT/$name.out" || echo "the load client failed (exit $?)"

  stop_pid "$publisher"
  stop_pid "$server_pid"
  if [[ "$name" == nginx ]]; then stop_pid "$nginx_master"; fi
  if [[ "$name" == origin || "$name" == edge ]]; then
    for p in "${cluster_pids[@]}"; do stop_pid "$p"; done
  fi
  return 0
}

IFS=',' read -r -a server_list <<< "$SERVERS"
for s in "${server_list[@]}"; do
  run_server "$s"
done

# Summary: one row per server, from the load client's SUMMARY line (the highest passing step's numbers).
echo
echo "=== summary (server on 1 core; CPU and memory at the highest passing step) ==="
{
  printf '| server | highest passing step | server CPU at that step | CPU per player | RSS at that step | RSS per player (over idle) | first failing step |\n'
  printf '|---|---|---|---|---|---|---|\n'
  for s in "${server_list[@]}"; do
    f="$OUT/$s.out"
    [[ -f "$f" ]] || continue
    sum="$(grep '^SUMMARY' "$f" | tail -n 1 || true)"
    get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$sum"; }
    fail="$(grep '^RESULT' "$f" | grep 'pass=false' | head -n 1 | sed -n 's/.* step=\([0-9]*\) .*connected=\([0-9]*\) enough_bytes=\([0-9]*\) stalls=\([0-9]*\) min_ratio=\([^ ]*\).*server_cpu_pct=\([^ ]*\).*/\1 (connected \2, enough bytes \3, stalls \4, min ratio \5, CPU \6 %)/p' || true)"
    printf '| %s | %s | %s %% | %s ms/s | %s MB | %s KB | %s |\n' "$s" "$(get highest_pass)" "$(get server_cpu_pct)" \
      "$(get cpu_ms_per_player_s)" "$(get server_rss_mb)" "$(get rss_kb_per_player)" "${fail:-none}"
  done
} | tee "$OUT/summary.md"
echo "(CPU per player: milliseconds of server CPU per second per player; source $(grep -h '^CALIBRATE' "$OUT"/*.out | sed -n 's/.*source_kbps=\([0-9]*\).*/\1/p' | head -n 1 || true) kb/s of audio+video payload)"
