#!/usr/bin/env bash
# Aqueduct's transcoder against the ffmpeg CLI on the same ladder, and how many live ladders a machine sustains.
#
# usage: bench/transcode-ladder.sh [options]
#   --seconds S      length of the 720p30 source (default 20)
#   --rounds N       throughput rounds, the CLI and Aqueduct alternating (default 3)
#   --max-live N     live ladders to try at most (default 6; 0 skips the live part)
#   --cpus LIST      taskset CPU list every run is pinned to (default 0,1: two cores)
#   --gpu            decode on NVDEC and scale with scale_cuda, in both (encoding stays x264: see RESULTS.md)
#   --java PATH      the java to run (default java)
#   --dist DIR       the built bench (default bench/transcode-ladder/target)
#   --out DIR        logs and results (default bench/out/transcode-ladder-<time>)
#
# Build first: mvn -B -q install -DskipTests && mvn -B -q -f bench/transcode-ladder/pom.xml package
#
# The source: testsrc2 1280x720 30 fps + a 48 kHz tone, x264 veryfast with a keyframe every 2 s, AAC 128 kb/s, FLV
# (what an RTMP publisher sends). The ladder: Aqueduct's default (720p 2500k copy, 480p 1200k copy, 240p 400k +
# AAC 64k). The peer is the ffmpeg CLI of the same FFmpeg build (8.1.2, taken from the io.aqueduct.ffmpeg bundle, so
# the same libx264), with the settings VideoEncoder uses: preset veryfast, tune zerolatency, no B-frames, bitrate =
# maxrate = bufsize, keyframes at the source's (force_key_frames source, scenecut off, no GOP of its own), bicubic
# scaling; the Debian ffmpeg, when installed, runs the same command once more as a second reference. Aqueduct
# (bench/transcode-ladder: StreamTranscoder on the real hub, packets from FFmpeg's FLV demuxer, never more than 2 s
# ahead of the transcoder) reports its fps from its first packet to its last rendition frame, without the JVM's
# start; the CLI's fps is its whole run's wall time. Live: n ladders in one JVM, each source paced in real time by
# its timestamps; a ladder kept up when it dropped no frame and the hub never skipped it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO/bench/out/transcode-ladder-$(date +%Y%m%d-%H%M%S)"
DIST="$REPO/bench/transcode-ladder/target"
JAVA=java
SOURCE_SECONDS=20
ROUNDS=3
MAX_LIVE=6
CPUS=0,1
GPU=0

while (($#)); do
  case "$1" in
    --seconds) SOURCE_SECONDS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --max-live) MAX_LIVE="$2"; shift 2 ;;
    --cpus) CPUS="$2"; shift 2 ;;
    --gpu) GPU=1; shift ;;
    --java) JAVA="$2"; shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$DIST/transcode-ladder.jar" ]] || { echo "no $DIST/transcode-ladder.jar: build it first (see the top of $0)" >&2; exit 2; }
bench_workdir

# (python's zipfile: a bare GPU machine may have no unzip)
python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist()
  if n.startswith('org/bytedeco/ffmpeg/linux-x86_64-gpl/')]" "$(ls "$DIST"/lib/io.aqueduct.ffmpeg-*.jar)" "$work"
NATIVES="$work/org/bytedeco/ffmpeg/linux-x86_64-gpl"
chmod +x "$NATIVES/ffmpeg"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c "$CPUS")
FRAMES=$((SOURCE_SECONDS * 30))
SRC="$OUT/src.flv"

# the bundled CLI with its libraries (a script, so taskset can run it)
printf '#!/bin/sh\nLD_LIBRARY_PATH="%s:${LD_LIBRARY_PATH:-}" exec "%s" "$@"\n' "$NATIVES" "$NATIVES/ffmpeg" >"$work/ffmpeg"
chmod +x "$work/ffmpeg"
bundled_ffmpeg() { "$work/ffmpeg" "$@"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); pinned to ${PIN[*]:-nothing}"
[[ $GPU == 1 ]] && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
bundled_ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$SOURCE_SECONDS" -c:v libx264 -preset veryfast -g 60 \
  -pix_fmt yuv420p -c:a aac -b:a 128k "$SRC"
echo "== source: $SOURCE_SECONDS s of 1280x720 30 fps ($FRAMES frames), $(stat -c %s "$SRC") bytes"

X264=(-c:v libx264 -preset veryfast -tune zerolatency -bf 0 -forced-idr 1 -force_key_frames source
  -x264-params scenecut=0:keyint=infinite)
if [[ $GPU == 1 ]]; then
  DEC=(-hwaccel cuda -hwaccel_output_format cuda)
  scale() { echo "scale_cuda=$1:$2,hwdownload,format=nv12"; }
  AQ_GPU=(--gpu)
else
  DEC=()
  scale() { echo "scale=$1:$2:flags=bicubic,format=yuv420p"; }
  AQ_GPU=()
fi
GRAPH="[0:v]split=3[a][b][c];[a]$(scale 1280 720)[v1];[b]$(scale 854 480)[v2];[c]$(scale 426 240)[v3]"
LADDER=(-map "[v1]" -map 0:a "${X264[@]}" -b:v 2500k -maxrate 2500k -bufsize 2500k -c:a copy -f null -
  -map "[v2]" -map 0:a "${X264[@]}" -b:v 1200k -maxrate 1200k -bufsize 1200k -c:a copy -f null -
  -map "[v3]" -map 0:a "${X264[@]}" -b:v 400k -maxrate 400k -bufsize 400k -c:a aac -b:a 64k -f null -)

# $1: label, then the ffmpeg to run; prints "<fps> <cpu s>"
cli_round() {
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "${PIN[@]}" "$@" -hide_banner -nostdin -loglevel error -y \
    "${DEC[@]}" -i "$SRC" -filter_complex "$GRAPH" "${LADDER[@]}" >"$OUT/$label.log" 2>&1
  read -r wall user sys <"$work/time"
  python3 -c "print(f'{$FRAMES/$wall:.1f} {$user+$sys:.1f}')"
}

aq_round() {
  local log="$OUT/aqueduct-$1.log"
  "${PIN[@]}" "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$DIST/transcode-ladder.jar" throughput \
    "$SRC" "${AQ_GPU[@]}" >"$log" 2>&1 || { echo "aqueduct failed: $(tail -5 "$log")" >&2; exit 1; }
  grep -q "$FRAMES/$FRAMES frames, 0 dropped" "$log" || { echo "aqueduct lost frames: $(cat "$log")" >&2; exit 1; }
  sed -n 's/.*= \([0-9.]*\) fps .*CPU \([0-9.]*\) s.*/\1 \2/p' "$log"
}

echo "== throughput, $ROUNDS rounds: fps (CPU s)"
cli_fps=(); aq_fps=()
for r in $(seq 1 "$ROUNDS"); do
  read -r f c < <(cli_round "cli-$r" "$work/ffmpeg"); cli_fps+=("$f")
  echo "round $r: ffmpeg CLI (FFmpeg 8.1.2, bundled) $f fps (CPU $c s)"
  read -r f c < <(aq_round "$r"); aq_fps+=("$f")
  echo "round $r: Aqueduct                           $f fps (CPU $c s)"
done
if [[ $GPU == 0 ]] && command -v ffmpeg >/dev/null; then
  read -r f c < <(cli_round "cli-debian" ffmpeg)
  echo "reference: ffmpeg CLI ($(ffmpeg -version | head -1 | cut -d' ' -f1-3), Debian) $f fps (CPU $c s)"
fi
python3 - "${cli_fps[*]}" "${aq_fps[*]}" <<'PY' | tee "$OUT/throughput.txt"
import statistics, sys
cli = [float(x) for x in sys.argv[1].split()]
aq = [float(x) for x in sys.argv[2].split()]
c, a = statistics.median(cli), statistics.median(aq)
print(f"RESULT median: ffmpeg CLI {c:.1f} fps, Aqueduct {a:.1f} fps: {a / c:.2f}x the CLI (goal: at least 0.9x)")
PY

if (( MAX_LIVE > 0 )); then
  echo "== live 720p30 ladders at once, each paced in real time"
  for n in $(seq 1 "$MAX_LIVE"); do
    log="$OUT/live-$n.log"
    "${PIN[@]}" "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$DIST/transcode-ladder.jar" live "$SRC" \
      "$n" "${AQ_GPU[@]}" >"$log" 2>&1 || true
    line="$(grep RESULT "$log" || echo "RESULT failed: $(tail -3 "$log")")"
    echo "$line"
    [[ "$line" == *"all kept up"* ]] || break
  done | tee "$OUT/live.txt"
fi
echo "logs: $OUT"
