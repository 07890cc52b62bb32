# stop_process PID: SIGTERM, up to 5 s to exit, then SIGKILL; reaps it when it is our child.
# Xvfb has been seen to ignore a SIGTERM that arrives at the wrong moment, and a plain
# `kill; wait` then hangs the test run.
stop_process() {
  local pid=$1 _
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
