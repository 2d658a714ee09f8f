#!/usr/bin/env bash
# Startup time and idle memory of the built appliance.
#
# usage: bench/startup.sh [runs] [distribution-dir]
#   runs              number of runs (default 5)
#   distribution-dir  default: distribution/target/aqueduct (build it with mvn install first)
#
# Each run copies the distribution to a fresh temporary directory (so every run is a first start: node id
# and console password are generated), binds 127.0.0.1 on a free port, and measures
#   startup  from launching `bin/aqueduct run` to GET /health answering 200,
#   RSS      VmRSS of the JVM after 10 s idle (IDLE_SECONDS to change),
# then stops the node with SIGTERM. Prints every run and the medians.
set -euo pipefail

RUNS="${1:-5}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${2:-$REPO/distribution/target/aqueduct}"
IDLE_SECONDS="${IDLE_SECONDS:-10}"

[[ -x "$DIST/bin/aqueduct" ]] || { echo "no distribution at $DIST (mvn install first)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

now_ms() { date +%s%3N; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "distribution: $DIST"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n 1)"
echo "runs: $RUNS, idle before RSS: ${IDLE_SECONDS} s"
startups=()
rsses=()
for ((i = 1; i <= RUNS; i++)); do
  home="$work/run-$i"
  mkdir -p "$home"
  cp -a "$DIST/." "$home/"
  rm -rf "$home/data/"* "$home/logs/"* "$home/config/org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg"
  port="$(free_port)"
  printf 'host = 127.0.0.1\nport = %s\n' "$port" > "$home/config/io.aqueduct.http.cfg"

  t0="$(now_ms)"
  "$home/bin/aqueduct" run > "$home/run.out" 2>&1 < /dev/null &
  pid=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)" == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "run $i: the node exited; see $home/run.out" >&2; cat "$home/run.out" >&2; exit 1; fi
    if (( $(now_ms) - t0 > 60000 )); then echo "run $i: no /health after 60 s" >&2; exit 1; fi
    sleep 0.02
  done
  startup=$(( $(now_ms) - t0 ))

  sleep "$IDLE_SECONDS"
  rss_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
  rss=$(( rss_kb / 1024 ))
  kill -TERM "$pid"
  wait "$pid" || true
  pid=""

  echo "run $i: /health 200 after ${startup} ms, RSS after ${IDLE_SECONDS} s idle: ${rss} MB"
  startups+=("$startup")
  rsses+=("$rss")
  rm -rf "$home"
done

echo "median: startup $(printf '%s\n' "${startups[@]}" | median) ms, RSS $(printf '%s\n' "${rsses[@]}" | median) MB"
