# Helpers the benchmark scripts share: `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`.

# A TCP port free on 127.0.0.1 right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most $2 s) until something listens on 127.0.0.1:$1; fails after that.
wait_port() {
  local port="$1" limit="$2" t=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    sleep 0.1
    t=$((t + 1))
    (( t < limit * 10 )) || return 1
  done
}

# Stops process $1: TERM, up to 10 s to go, then KILL.
stop_pid() {
  local p="$1" t=0
  kill -TERM "$p" 2>/dev/null || return 0
  while kill -0 "$p" 2>/dev/null && (( t < 100 )); do sleep 0.1; t=$((t + 1)); done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

# Makes $OUT absolute (creating it), a scratch directory $work and the list $pids of processes to stop on exit
# (TERM, then KILL half a second later), and removes $work on exit.
bench_workdir() {
  mkdir -p "$OUT"
  OUT="$(cd "$OUT" && pwd)"
  work="$(mktemp -d)"
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

# Copies the distribution $DIST to $work/aqueduct (set as $home), with empty data/ and logs/.
copy_appliance() {
  home="$work/aqueduct"
  mkdir -p "$home"
  cp -a "$DIST/." "$home/"
  rm -rf "$home/data/"* "$home/logs/"*
}

# Starts the copy in $home on free loopback ports, every thread on core $1, its output in $OUT/aqueduct-server.log;
# sets $rtmp_port, $http_port and $aq_pid once both ports listen.
start_appliance() {
  local core="$1"
  rtmp_port="$(free_port)"
  http_port="$(free_port)"
  sed -i -e "s/^port *=.*/port = $rtmp_port/" -e "s/^host *=.*/host = 127.0.0.1/" "$home/config/io.aqueduct.rtmp.cfg"
  sed -i -e "s/^port *=.*/port = $http_port/" -e "s/^host *=.*/host = 127.0.0.1/" "$home/config/io.aqueduct.http.cfg"
  # bin/aqueduct run execs java, so $! is the JVM; taskset at launch pins every thread it will ever start
  taskset -c "$core" "$home/bin/aqueduct" run > "$OUT/aqueduct-server.log" 2>&1 < /dev/null &
  aq_pid=$!
  pids+=("$aq_pid")
  wait_port "$http_port" 60 || { echo "Aqueduct did not listen on $http_port; see $OUT/aqueduct-server.log" >&2; exit 1; }
  wait_port "$rtmp_port" 30 || { echo "Aqueduct's RTMP did not listen on $rtmp_port" >&2; exit 1; }
  taskset -a -cp "$core" "$aq_pid" > /dev/null # belt and braces: every thread on that core
}
