#!/usr/bin/env bash
# LL-HLS latency of the appliance: server-side part latency, blocking playlist reload seen from a client, and
# latency in headless Chromium playing the shipped player page (play.html, hls.js), including a true
# capture-to-display ("glass-to-glass") figure read from the picture itself.
#
# usage: bench/hls-latency.sh [options]
#   --reload-seconds S    blocking-reload client run (default 30)
#   --play-seconds S      Chromium samples, one a second once playback has started (default 30)
#   --hls-config JSON     also run Chromium a second time with this object merged into the page's hls.js config
#                         (an experiment, e.g. '{"maxLiveSyncPlaybackRate":1.5}'; default: none)
#   --out DIR             logs and results (default bench/out/hls-latency-<time>)
#   --dist DIR            the built appliance (default distribution/target/aqueduct); copied to a temporary
#                         directory first, so a rebuild during the run does not change what runs
#
# Needs: java 17, ffmpeg (with drawbox), chromium (/usr/lib/chromium/chromium or chromium on the PATH), taskset,
# curl, python3 (standard library only).
#
# What runs where: the appliance's JVM (every thread) on core 0; the live publisher, the blocking-reload client
# and Chromium on core 1. The publisher encodes live (not a file: the picture carries its capture time):
#   ffmpeg -re -f lavfi -i testsrc=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -vf <clock barcode>
#     -c:v libx264 -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -b:v 2500k -c:a aac -f flv rtmp://...
# where <clock barcode> stamps each frame, as ffmpeg's filter graph receives it from the source (the "capture"),
# with the wall clock in milliseconds modulo 2^24 as 24 white/black blocks in a black strip at the top
# (settb + setpts=time(0) to read the clock into the frame's timestamp, 24 drawbox with enable on its bits,
# setpts=N/30/TB to restore the timestamps). Keyframe interval 60 frames = 2 s = the target duration.
#
# Phases, one after the other on the same live stream:
#   1. bench/hls/blocking-reload.py for --reload-seconds: blocking requests for the next part, as hls.js makes
#      them (see that file for what it measures), then GET /rest/v2/hls/streams: the server's own partLatencyMs.
#   2. Chromium (headless) opens http://127.0.0.1:<port>/play.html?stream=live/bench; bench/hls/chromium-latency.py
#      drives it over the DevTools protocol and samples window.aqueduct.latency() and the barcode once a second
#      for --play-seconds after playback starts.
#   3. Only with --hls-config: phase 2 again in a fresh Chromium with that hls.js config.
# Busy share of each core over each phase is printed, to tell a saturated or disturbed run (the machine is shared).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RELOAD_SECONDS=30
PLAY_SECONDS=30
HLS_CONFIG=""
OUT="$REPO/bench/out/hls-latency-$(date +%Y%m%d-%H%M%S)"
DIST="$REPO/distribution/target/aqueduct"
SERVER_CORE=0
LOAD_CORE=1
STREAM="live/bench"

while (($#)); do
  case "$1" in
    --reload-seconds) RELOAD_SECONDS="$2"; shift 2 ;;
    --play-seconds) PLAY_SECONDS="$2"; shift 2 ;;
    --hls-config) HLS_CONFIG="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

CHROMIUM=""
for c in /usr/lib/chromium/chromium "$(command -v chromium || true)" "$(command -v chromium-browser || true)"; do
  [[ -n "$c" && -x "$c" ]] && CHROMIUM="$c" && break
done
for tool in java ffmpeg taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[[ -n "$CHROMIUM" ]] || { echo "chromium is needed" >&2; exit 1; }
[[ -x "$DIST/bin/aqueduct" ]] || { echo "no distribution at $DIST (mvn install first)" >&2; exit 1; }
(( $(nproc) >= 2 )) || { echo "needs 2 cores (server on one, publisher and clients on the other)" >&2; exit 1; }

bench_workdir

cores() { # "core0_busy core0_total core1_busy core1_total" in ticks
  awk -v a="cpu$SERVER_CORE" -v b="cpu$LOAD_CORE" '$1 == a || $1 == b {
      busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6
      if ($1 == a) { ab = busy; at = total } else { bb = busy; bt = total } }
    END { print ab, at, bb, bt }' /proc/stat
}

busy_since() { # prints "core 0 X %, core 1 Y %" since the cores() line $1
  local b
  b="$(cores)"
  awk -v a="$1" -v b="$b" -v c0="$SERVER_CORE" -v c1="$LOAD_CORE" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf "core %s (server) %.0f %% busy, core %s (publisher, client) %.0f %% busy", c0,
      100 * (y[1] - x[1]) / (y[2] - x[2]), c1, 100 * (y[3] - x[3]) / (y[4] - x[4]) }'
}

echo "results in $OUT"
dist_commit="$(git -C "$(dirname "$DIST")" log -1 --format=%h 2>/dev/null || echo unknown)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem:/ { print $2 }') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "kernel: $(uname -r); $(java -version 2>&1 | head -n 1); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
  echo "distribution: $DIST (tree at commit $dist_commit, bundles/5/io.aqueduct.hls built $(date -u -r "$DIST"/bundles/5/io.aqueduct.hls-*.jar +%Y-%m-%dT%H:%M:%SZ))"
  echo "aqueduct hls config: $(grep -v '^#' "$DIST/config/io.aqueduct.hls.cfg" | grep . | tr '\n' ' ')"
  echo "command: $0 --reload-seconds $RELOAD_SECONDS --play-seconds $PLAY_SECONDS${HLS_CONFIG:+ --hls-config '$HLS_CONFIG'}"
} | tee "$OUT/env.txt"

copy_appliance
start_appliance "$SERVER_CORE"
base="http://127.0.0.1:$http_port"
# the REST reads are on the operator surface (docs/security.md): a token of this copy's own
rest_auth="Authorization: Bearer $("$home/bin/aqueduct" token create bench | grep '^aqd_')"

# the clock barcode: bit k of (capture time in ms mod 2^24) is a white 32x32 block at x = 16 + 40 k, y = 16
barcode="settb=1/1000000,setpts=time(0)/TB,drawbox=x=0:y=0:w=1000:h=64:color=black:t=fill"
for k in $(seq 0 23); do
  barcode="$barcode,drawbox=x=$((16 + k * 40)):y=16:w=32:h=32:color=white:t=fill:enable='eq(mod(floor(mod(t*1000\,16777216)/$((1 << k)))\,2)\,1)'"
done
barcode="$barcode,setpts=N/30/TB"
publish=(ffmpeg -hide_banner -loglevel error -re -f lavfi -i "testsrc=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440"
  -vf "$barcode" -c:v libx264 -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -b:v 2500k -c:a aac
  -f flv "rtmp://127.0.0.1:$rtmp_port/$STREAM")
echo "publisher: ${publish[*]}" > "$OUT/publisher-command.txt"
taskset -c "$LOAD_CORE" "${publish[@]}" > "$OUT/publisher.log" 2>&1 < /dev/null &
pub_pid=$!
pids+=("$pub_pid")
publish_start=$(date +%s)

for ((i = 0; i < 300; i++)); do
  curl -sf "$base/$STREAM/ll.m3u8" 2>/dev/null | grep -q '^#EXT-X-PRELOAD-HINT' && break
  kill -0 "$pub_pid" 2>/dev/null || { echo "the publisher exited; see $OUT/publisher.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf "$base/$STREAM/ll.m3u8" > "$OUT/ll-first.m3u8" || { echo "no LL-HLS playlist after 30 s" >&2; exit 1; }

echo
echo "=== 1. blocking playlist reload, ${RELOAD_SECONDS} s (bench/hls/blocking-reload.py on core $LOAD_CORE) ==="
c="$(cores)"
taskset -c "$LOAD_CORE" python3 "$REPO/bench/hls/blocking-reload.py" "$base/$STREAM/ll.m3u8" "$RELOAD_SECONDS" \
  > "$OUT/blocking-reload.txt" 2> "$OUT/blocking-reload.err" || { cat "$OUT/blocking-reload.err" >&2; exit 1; }
echo "  $(busy_since "$c")"
tail -n 3 "$OUT/blocking-reload.txt" | grep -v '^SUMMARY' | sed 's/^/  last: /'
grep '^SUMMARY' "$OUT/blocking-reload.txt" | tee -a "$OUT/summary.txt"
cat "$OUT/blocking-reload.err"
curl -sf "$base/$STREAM/ll.m3u8" > "$OUT/ll-after-reload.m3u8"
stats="$(curl -sf -H "$rest_auth" "$base/rest/v2/hls/streams")"
echo "$stats" > "$OUT/hls-streams-1.json"
echo "SERVER after $(( $(date +%s) - publish_start )) s of publishing: $(python3 -c '
import json, sys
for s in json.loads(sys.argv[1])["streams"]:
    p = s["partLatencyMs"]
    print("stream={} partLatencyMs count={count} p50={p50} p99={p99}".format(s["stream"], **p), "muxErrors=%s" % s["muxErrors"])
' "$stats")" | tee -a "$OUT/summary.txt"

play() { # label, optional hls.js config
  local label="$1" config="${2:-}" dport profile
  dport="$(free_port)"
  profile="$work/chromium-$label"
  mkdir -p "$profile"
  taskset -c "$LOAD_CORE" "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --autoplay-policy=no-user-gesture-required --mute-audio \
    --no-first-run --user-data-dir="$profile" --remote-debugging-address=127.0.0.1 --remote-debugging-port="$dport" \
    about:blank > "$OUT/chromium-$label.log" 2>&1 < /dev/null &
  local chrome=$!
  pids+=("$chrome")
  local c
  c="$(cores)"
  taskset -c "$LOAD_CORE" timeout $((PLAY_SECONDS + 90)) python3 "$REPO/bench/hls/chromium-latency.py" "$dport" \
    "$base/play.html?stream=$STREAM" "$PLAY_SECONDS" "$config" > "$OUT/chromium-$label.txt" 2>&1 || {
    cat "$OUT/chromium-$label.txt" >&2; stop_pid "$chrome"; return 1; }
  echo "  $(busy_since "$c")"
  grep -E '^(START|EXPERIMENT)' "$OUT/chromium-$label.txt" | sed 's/^/  /'
  grep '^SAMPLE' "$OUT/chromium-$label.txt" | head -n 3 | sed 's/^/  first: /'
  grep '^SUMMARY' "$OUT/chromium-$label.txt" | sed "s/^SUMMARY/SUMMARY-$label/" | tee -a "$OUT/summary.txt"
  stop_pid "$chrome"
}

echo
echo "=== 2. Chromium (headless, core $LOAD_CORE) playing $base/play.html?stream=$STREAM, ${PLAY_SECONDS} s of samples ==="
play shipped
if [[ -n "$HLS_CONFIG" ]]; then
  echo
  echo "=== 3. experiment: the same with $HLS_CONFIG merged into the page's hls.js config ==="
  play experiment "$HLS_CONFIG"
fi

stats="$(curl -sf -H "$rest_auth" "$base/rest/v2/hls/streams")"
echo "$stats" > "$OUT/hls-streams-2.json"
echo
echo "SERVER at the end ($(( $(date +%s) - publish_start )) s of publishing): $(python3 -c '
import json, sys
for s in json.loads(sys.argv[1])["streams"]:
    p = s["partLatencyMs"]
    print("partLatencyMs count={count} p50={p50} p99={p99}".format(**p))
' "$stats")" | tee -a "$OUT/summary.txt"
stop_pid "$pub_pid"
stop_pid "$aq_pid"
