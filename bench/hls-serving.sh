#!/usr/bin/env bash
# HLS serving: Aqueduct's in-memory playlists and segments vs nginx serving byte-identical copies from files,
# in the same run, on the same live stream.
#
# usage: bench/hls-serving.sh [options]
#   --conns LIST          wrk connections per run (default 50,200)
#   --duration S          seconds per wrk run (default 10; keep it <= 10: the segment must stay in Aqueduct's window)
#   --targets LIST        playlist,ts,m4s (default all three)
#   --max-foreign PCT     a run during which processes other than ours used more than this much CPU (percent of
#                         one core, both cores together) is marked disturbed and repeated (default 15)
#   --warmup S            seconds of unrecorded wrk load on Aqueduct (split over the targets) before measuring, so
#                         that the JIT has compiled the serving path (default 90; 0 to measure a cold JVM)
#   --retries N           repeats of a disturbed run before its figures are kept anyway, marked (default 2)
#   --source-seconds S    length of the encoded source, looped by the publisher (default 60)
#   --jetty-threads N     cap Jetty's thread pool at N threads (an experiment; the shipped value is 32)
#                         (org.apache.felix.http.jetty.threadpool.max in the copy's conf/framework.properties;
#                         default: the distribution's own setting)
#   --out DIR             logs and results (default bench/out/hls-serving-<time>)
#   --dist DIR            the built appliance (default distribution/target/aqueduct); copied to a temporary
#                         directory first, so a rebuild during the run does not change what runs
#
# Needs: java 17, ffmpeg, nginx, wrk, taskset, curl, python3 (for free ports).
#
# What runs where: the appliance (its JVM, every thread) and nginx (one worker, sendfile on, access_log off) are
# both pinned to core 0 and run at the same time, but only one of them is loaded at a time; wrk (-t1), curl and
# the ffmpeg publisher are pinned to core 1. The source (testsrc 1280x720 at 30 fps, libx264 veryfast
# -tune zerolatency, 2.5 Mb/s CBR, 2 s GOP = the target duration, AAC 128 kb/s) is encoded once and published
# in real time with -re -stream_loop -1 -c copy, so core 1 carries no x264 during the measurements.
#
# Per connection count and target, right before the two wrk runs: fetch the newest resource from Aqueduct with
# curl (the classic playlist index.m3u8, the newest complete <msn>.ts, or the newest complete CMAF segment
# <msn>.m4s named by ll.m3u8) and store it with the same name and bytes under nginx's root; then wrk against
# Aqueduct's URL, then wrk against nginx's URL. A segment stays in Aqueduct's memory for 8 segments (16 s)
# after it completes; a run that got non-200 answers says so (errors column). The playlist on Aqueduct is live
# (it changes every 2 s, always about 500 bytes); nginx serves the copy taken before the run.
#
# Per run the script reads /proc/stat (busy share of core 0 and core 1) and the CPU time of the loaded server
# (the JVM, or the nginx worker), of wrk and of the publisher; "foreign" is the CPU of everything else on the
# machine during the run (the machine is shared; a build on it shows up there).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONNS="50,200"
DURATION=10
TARGETS="playlist,ts,m4s"
MAX_FOREIGN=15
WARMUP=90
RETRIES=2
JETTY_THREADS=""
SOURCE_SECONDS=60
OUT="$REPO/bench/out/hls-serving-$(date +%Y%m%d-%H%M%S)"
DIST="$REPO/distribution/target/aqueduct"
SERVER_CORE=0
LOAD_CORE=1
STREAM="live/bench"

while (($#)); do
  case "$1" in
    --conns) CONNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --max-foreign) MAX_FOREIGN="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --retries) RETRIES="$2"; shift 2 ;;
    --source-seconds) SOURCE_SECONDS="$2"; shift 2 ;;
    --jetty-threads) JETTY_THREADS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in java ffmpeg nginx wrk taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[[ -x "$DIST/bin/aqueduct" ]] || { echo "no distribution at $DIST (mvn install first)" >&2; exit 1; }
(( $(nproc) >= 2 )) || { echo "needs 2 cores (servers on one, the load on the other)" >&2; exit 1; }
(( DURATION <= 12 )) || echo "warning: wrk runs of ${DURATION} s may outlast the segment's 16 s in Aqueduct's memory" >&2

bench_workdir

ticks() { # utime+stime of a process (all its threads), in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

cpu_line() { # "core0_busy core0_total core1_busy core1_total all_user_system all_irq" in ticks, from /proc/stat
  awk -v a="cpu$SERVER_CORE" -v b="cpu$LOAD_CORE" '
    $1 == a || $1 == b || $1 == "cpu" {
      busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6
      if ($1 == a) { ab = busy; at = total } else if ($1 == b) { bb = busy; bt = total } else { us = $2 + $3 + $4; irq = $7 + $8 }
    }
    END { print ab, at, bb, bt, us, irq }' /proc/stat
}

HZ="$(getconf CLK_TCK)"

echo "results in $OUT"
dist_commit="$(git -C "$(dirname "$DIST")" log -1 --format=%h 2>/dev/null || echo unknown)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem:/ { print $2 }') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "kernel: $(uname -r); $(java -version 2>&1 | head -n 1); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); $(nginx -v 2>&1); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
  echo "distribution: $DIST (tree at commit $dist_commit, bundles/5/io.aqueduct.hls built $(date -u -r "$DIST"/bundles/5/io.aqueduct.hls-*.jar +%Y-%m-%dT%H:%M:%SZ))"
  echo "aqueduct hls config: $(grep -v '^#' "$DIST/config/io.aqueduct.hls.cfg" | grep . | tr '\n' ' ')"
  echo "command: $0 --conns $CONNS --duration $DURATION --targets $TARGETS --warmup $WARMUP --max-foreign $MAX_FOREIGN --retries $RETRIES${JETTY_THREADS:+ --jetty-threads $JETTY_THREADS}"
} | tee "$OUT/env.txt"

copy_appliance
if [[ -n "$JETTY_THREADS" ]]; then
  echo "org.apache.felix.http.jetty.threadpool.max=$JETTY_THREADS" >> "$home/conf/framework.properties"
fi

source_file="$work/source.flv"
echo "encoding the source (${SOURCE_SECONDS} s)..."
timeout 300 taskset -c "$LOAD_CORE" ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -t "$SOURCE_SECONDS" -map 0:v -map 1:a \
  -c:v libx264 -preset veryfast -tune zerolatency -profile:v high -pix_fmt yuv420p \
  -b:v 2500k -maxrate 2500k -bufsize 2500k -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 \
  -c:a aac -b:a 128k -ac 2 -f flv "$source_file"

# --- Aqueduct on core 0
start_appliance "$SERVER_CORE"
aq="http://127.0.0.1:$http_port/$STREAM"

# --- nginx on core 0: one worker serving the copies
ng_prefix="$work/nginx"
mkdir -p "$ng_prefix/logs" "$ng_prefix/html/$STREAM"
ng_port="$(free_port)"
cat > "$ng_prefix/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 8192;
user root;
pid $ng_prefix/nginx.pid;
error_log $ng_prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; video/iso.segment m4s; video/mp4 mp4; }
  server {
    listen 127.0.0.1:$ng_port;
    root $ng_prefix/html;
    location ~ \.m3u8\$ { add_header Cache-Control no-cache; }
  }
}
EOF
cp "$ng_prefix/nginx.conf" "$OUT/nginx.conf"
taskset -c "$SERVER_CORE" nginx -p "$ng_prefix" -c "$ng_prefix/nginx.conf" > "$OUT/nginx-server.log" 2>&1 < /dev/null &
ng_master=$!
pids+=("$ng_master")
wait_port "$ng_port" 20 || { echo "nginx did not listen; see $ng_prefix/logs/error.log" >&2; cat "$ng_prefix/logs/error.log" >&2; exit 1; }
ng_worker="$(pgrep -P "$ng_master" | head -n 1)"
[[ -n "$ng_worker" ]] || { echo "no nginx worker under $ng_master" >&2; exit 1; }
ng="http://127.0.0.1:$ng_port/$STREAM"

# --- the publisher on core 1
taskset -c "$LOAD_CORE" ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$source_file" -c copy \
  -f flv "rtmp://127.0.0.1:$rtmp_port/$STREAM" > "$OUT/publisher.log" 2>&1 < /dev/null &
pub_pid=$!
pids+=("$pub_pid")

echo "waiting for three complete segments..."
for ((i = 0; i < 300; i++)); do
  n="$(curl -sf "$aq/index.m3u8" 2>/dev/null | grep -c '\.ts$' || true)"
  (( n >= 3 )) && break
  kill -0 "$pub_pid" 2>/dev/null || { echo "the publisher exited; see $OUT/publisher.log" >&2; exit 1; }
  sleep 0.1
done
(( n >= 3 )) || { echo "no HLS playlist with 3 segments after 30 s at $aq/index.m3u8" >&2; exit 1; }

# Fetches the newest resource of a kind from Aqueduct into nginx's root; prints its name.
pick() {
  local kind="$1" name
  case "$kind" in
    playlist) name="index.m3u8" ;;
    ts) name="$(curl -sf "$aq/index.m3u8" | grep -E '^[0-9]+\.ts$' | tail -n 1)" ;;
    m4s) name="$(curl -sf "$aq/ll.m3u8" | grep -E '^[0-9]+\.m4s$' | tail -n 1)" ;;
  esac
  [[ -n "$name" ]] || { echo "nothing to fetch for $kind" >&2; return 1; }
  rm -f "$ng_prefix/html/$STREAM/"*
  taskset -c "$LOAD_CORE" curl -sf -o "$ng_prefix/html/$STREAM/$name" "$aq/$name"
  echo "$name"
}

# One wrk run against a URL; appends a RESULT line to $OUT/results.txt and prints it.
# args: server-label target conns url server-pid
wrk_run() {
  local label="$1" target="$2" conns="$3" url="$4" spid="$5" attempt=0
  while :; do
    local c0 c1 s0 s1 p0 p1 tfile
    tfile="$work/wrk-time"
    c0=($(cpu_line))
    s0="$(ticks "$spid")"
    p0=$(( $(ticks "$pub_pid") + $(ticks "$aq_pid") + $(ticks "$ng_worker") + $(ticks "$ng_master") ))
    /usr/bin/time -f 'TIME %U %S' -o "$tfile" taskset -c "$LOAD_CORE" \
      wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 5s --latency -s "$REPO/bench/hls/wrk-report.lua" "$url" \
      > "$work/wrk.out" 2>&1 || true
    c1=($(cpu_line))
    s1="$(ticks "$spid")"
    p1=$(( $(ticks "$pub_pid") + $(ticks "$aq_pid") + $(ticks "$ng_worker") + $(ticks "$ng_master") ))
    cat "$work/wrk.out" >> "$OUT/wrk-$label-$target-c$conns.txt"
    local w
    w="$(grep '^WRK' "$work/wrk.out" || true)"
    [[ -n "$w" ]] || { echo "wrk failed:"; cat "$work/wrk.out"; return 1; }
    local wrk_s
    wrk_s="$(awk '/^TIME/ { print $2 + $3 }' "$tfile")"
    local line
    line="$(awk -v w="$w" -v hz="$HZ" -v c0="${c0[*]}" -v c1="${c1[*]}" -v s0="$s0" -v s1="$s1" -v p0="$p0" \
      -v p1="$p1" -v wrk_s="$wrk_s" -v label="$label" -v target="$target" -v conns="$conns" 'BEGIN {
        n = split(w, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
        split(c0, a, " "); split(c1, b, " ")
        secs = v["duration_us"] / 1e6
        wall = (b[2] - a[2]) / hz                       # core 0 ticks elapsed = wall seconds
        core0 = 100 * (b[1] - a[1]) / (b[2] - a[2]); core1 = 100 * (b[3] - a[3]) / (b[4] - a[4])
        server = 100 * (s1 - s0) / hz / wall; ours = 100 * (p1 - p0) / hz / wall; wrkc = 100 * wrk_s / wall
        irq = 100 * (b[6] - a[6]) / hz / wall
        foreign = 100 * (b[5] - a[5]) / hz / wall - ours - wrkc
        if (foreign < 0) foreign = 0
        errors = v["errors_connect"] + v["errors_read"] + v["errors_write"] + v["errors_status"] + v["errors_timeout"]
        printf "RESULT server=%s target=%s conns=%d req_s=%.0f mb_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.1f errors=%d bytes_per_req=%.0f server_cpu=%.0f wrk_cpu=%.0f core0=%.0f core1=%.0f irq=%.0f foreign=%.0f\n", \
          label, target, conns, v["requests"] / secs, v["bytes"] / secs / 1e6, v["p50_us"] / 1000, v["p90_us"] / 1000, \
          v["p99_us"] / 1000, v["max_us"] / 1000, errors, v["requests"] ? v["bytes"] / v["requests"] : 0, \
          server, wrkc, core0, core1, irq, foreign
      }')"
    local foreign
    foreign="$(sed -n 's/.* foreign=\([0-9]*\).*/\1/p' <<< "$line")"
    if (( foreign > MAX_FOREIGN )) && (( attempt < RETRIES )); then
      attempt=$((attempt + 1))
      echo "  (disturbed: ${foreign} % foreign CPU during $label $target c$conns; again in 10 s)"
      echo "DISTURBED $line" >> "$OUT/results.txt"
      sleep 10
      [[ "$target" == playlist || "$label" == nginx ]] || return 2 # the segment may have aged: re-pick
      continue
    fi
    (( foreign > MAX_FOREIGN )) && line="$line disturbed=yes"
    echo "$line" | tee -a "$OUT/results.txt"
    return 0
  done
}

IFS=',' read -r -a conn_list <<< "$CONNS"
IFS=',' read -r -a target_list <<< "$TARGETS"

# Warm-up: the JVM compiles the serving path only under load (on one core, C2 competes with serving), and the
# first seconds run 3-5 times slower; nginx has nothing to warm. Not recorded.
if (( WARMUP > 0 )); then
  per=$(( (WARMUP + ${#target_list[@]} - 1) / ${#target_list[@]} ))
  for target in "${target_list[@]}"; do
    left=$per
    while (( left > 0 )); do
      chunk=$(( left > 8 ? 8 : left )) # at most 8 s on one segment: it must stay in the window
      left=$(( left - chunk ))
      name="$(pick "$target")"
      taskset -c "$LOAD_CORE" wrk -t1 -c"${conn_list[0]}" -d"${chunk}s" "$aq/$name" >> "$OUT/warmup-$target.txt" 2>&1 || true
      echo "warm-up: ${chunk} s of wrk -c${conn_list[0]} on Aqueduct's $name: $(grep -E 'Requests/sec|Non-2xx' "$OUT/warmup-$target.txt" | tail -n 1 | xargs)"
    done
  done
fi
for conns in "${conn_list[@]}"; do
  for target in "${target_list[@]}"; do
    for pick_attempt in 1 2 3; do
      name="$(pick "$target")"
      size="$(stat -c %s "$ng_prefix/html/$STREAM/$name")"
      echo "== $target c$conns: $name ($size bytes)"
      rc=0
      wrk_run aqueduct "$target" "$conns" "$aq/$name" "$aq_pid" || rc=$?
      (( rc == 2 )) && continue # disturbed segment run: fetch the newest segment and run both again
      (( rc == 0 )) || exit 1
      # still in Aqueduct's window after its run? (a segment that fell out would have answered 404s)
      code="$(curl -s -o /dev/null -w '%{http_code}' "$aq/$name")"
      echo "  after the run $aq/$name answers $code"
      wrk_run nginx "$target" "$conns" "$ng/$name" "$ng_worker" || exit 1
      break
    done
  done
done

echo "after the runs: Aqueduct RSS $(( $(awk '/^VmRSS:/ { print $2 }' "/proc/$aq_pid/status") / 1024 )) MB with $(ls "/proc/$aq_pid/task" | wc -l) threads; nginx worker RSS $(( $(awk '/^VmRSS:/ { print $2 }' "/proc/$ng_worker/status") / 1024 )) MB" | tee -a "$OUT/results.txt"
stop_pid "$pub_pid"
stop_pid "$aq_pid"
stop_pid "$ng_master"

echo
echo "=== summary: server on core 0, wrk -t1 on core 1, ${DURATION} s per run (CPU in % of one core) ==="
{
  printf '| target | conns | server | req/s | MB/s | p50 ms | p99 ms | errors | server CPU | core 0 busy | wrk CPU | core 1 busy | foreign CPU |\n'
  printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
  grep '^RESULT' "$OUT/results.txt" | while read -r l; do
    g() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$l"; }
    d="$(g disturbed)"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s %% | %s %% | %s %% | %s %% | %s %%%s |\n' "$(g target)" "$(g conns)" \
      "$(g server)" "$(g req_s)" "$(g mb_s)" "$(g p50_ms)" "$(g p99_ms)" "$(g errors)" "$(g server_cpu)" "$(g core0)" \
      "$(g wrk_cpu)" "$(g core1)" "$(g foreign)" \
      "${d:+ (disturbed)}"
  done
} | tee "$OUT/summary.md"
