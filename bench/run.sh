#!/usr/bin/env bash
# bench/run.sh: the benchmark matrix, Switchboard against its peers, side by side in one run.
#
# Installs the Node peers the run includes (npm ci), builds Switchboard, the generator and the .NET peers in Release,
# then for each round, target and scenario starts a fresh server pinned to one core, drives it with switchboard-bench
# pinned to the other core, and stops it. Every run is appended to bench/results/<timestamp>/results.jsonl; at the end
# bench/report.js prints the table (medians with min and max, and Switchboard / peer ratios).
#
#   bench/run.sh                   full matrix, 3 rounds (about 30 minutes on 2 cores, builds included)
#   bench/run.sh --quick --runs 1  every scenario once with short durations, to check the tooling
#   bench/run.sh --only node-ws    one target (repeatable, or a comma list): switchboard, node-ws, uwebsockets,
#                                  aspnet-naive, signalr
#   bench/run.sh --cases idle      only these cases (fanout-max, fanout-50k, idle, connect, slow, rest)
#
# Environment: SERVER_CPUS (default 0) and BENCH_CPUS (default 1) pick the cores; DURATION, WARMUP, SLOW_WARMUP and
# REST_WARMUP (seconds) override the durations; DOTNET_BUILD_LOCK (default /tmp/dotnet-build.lock) serialises dotnet
# builds with others on the machine.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

RUNS=3
QUICK=0
ONLY=()
CASES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --quick) QUICK=1; shift ;;
    --only) IFS=',' read -r -a more <<< "${2:?--only needs a target}"; ONLY+=("${more[@]}"); shift 2 ;;
    --only=*) IFS=',' read -r -a more <<< "${1#*=}"; ONLY+=("${more[@]}"); shift ;;
    --cases) IFS=',' read -r -a more <<< "${2:?--cases needs a case}"; CASES+=("${more[@]}"); shift 2 ;;
    --cases=*) IFS=',' read -r -a more <<< "${1#*=}"; CASES+=("${more[@]}"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs must be a positive integer, got '$RUNS'" >&2; exit 2; }

ALL_TARGETS=(switchboard node-ws uwebsockets aspnet-naive signalr)
TARGETS=()
if [[ ${#ONLY[@]} -eq 0 ]]; then
  TARGETS=("${ALL_TARGETS[@]}")
else
  for t in "${ONLY[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "run.sh: unknown target '$t'; known: ${ALL_TARGETS[*]}" >&2; exit 2; }
    TARGETS+=("$t")
  done
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
PEERS="$BENCH/peers"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BENCH/results/$STAMP"
RESULTS="$OUT/results.jsonl"
LOGS="$OUT/logs"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench.XXXXXX")"
mkdir -p "$LOGS"
: > "$RESULTS"

# The matrix (issue 3, item 3): 64-byte messages; fan-out into 1,000 subscribers from 1 publisher at max rate and
# at a fixed 50,000 deliveries/s; 10,000 idle connections; 10,000 connects; one stalled client (see case_args).
SIZE=64
SUBSCRIBERS=1000
FIXED_DELIVERIES=50000
IDLE_CONNECTIONS=10000
CONNECT_CONNECTIONS=10000
SLOW_SUBSCRIBERS=100
SLOW_DELIVERIES=50000
SLOW_SIZE=2048
if [[ $QUICK -eq 1 ]]; then
  DURATION="${DURATION:-2}"
  WARMUP="${WARMUP:-1}"
else
  DURATION="${DURATION:-5}"
  # A .NET process on one core moves its hot code to the final JIT tier only after about 12 s under load (the runtime
  # multiplies its 100 ms tiering delay by 10 when it has a single CPU): a shorter warm-up measures the JIT, not the
  # delivery path (docs/performance.md, "Warm-up"). Every target gets the same warm-up.
  WARMUP="${WARMUP:-15}"
fi
SLOW_WARMUP="${SLOW_WARMUP:-$(( WARMUP < 2 ? WARMUP : 2 ))}"
REST_WARMUP="${REST_WARMUP:-$(( QUICK == 1 ? WARMUP : 30 ))}"
SERVER_CPUS="${SERVER_CPUS:-0}"
BENCH_CPUS="${BENCH_CPUS:-1}"
DOTNET_BUILD_LOCK="${DOTNET_BUILD_LOCK:-/tmp/dotnet-build.lock}"

SERVER_PID=""
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

for tool in node npm dotnet curl; do
  command -v "$tool" > /dev/null || { echo "run.sh: '$tool' is required and not on PATH" >&2; exit 1; }
done

# Pinning needs taskset and two cores; without them the run still works, with a warning in the output. The
# prefixes are arrays, not a shell function: a backgrounded function runs in a subshell, and $! would then be the
# subshell's pid rather than the server's, which the generator reads from /proc for memory and CPU.
ON_SERVER_CPUS=(taskset -c "$SERVER_CPUS")
ON_BENCH_CPUS=(taskset -c "$BENCH_CPUS")
if ! command -v taskset > /dev/null || [[ "$(nproc)" -lt 2 ]]; then
  ON_SERVER_CPUS=(env)
  ON_BENCH_CPUS=(env)
  echo "run.sh: warning: taskset missing or fewer than 2 cores; server and generator are not pinned" >&2
fi

# 10,000 idle connections need as many descriptors in the server and in the generator.
ulimit -n 65536 2> /dev/null || ulimit -n "$(ulimit -Hn)"
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $((IDLE_CONNECTIONS + 1000)) ]]; then
  echo "run.sh: warning: ulimit -n is $(ulimit -n); idle and connect with $IDLE_CONNECTIONS connections may fail" >&2
fi

START_TIME=$SECONDS

# What docs/performance.md needs to name the machine and reproduce the run.
{
  echo "command: bench/run.sh --runs $RUNS$([[ $QUICK -eq 1 ]] && echo " --quick")$([[ ${#ONLY[@]} -gt 0 ]] && echo " --only $(IFS=,; echo "${TARGETS[*]}")")$([[ ${#CASES[@]} -gt 0 ]] && echo " --cases $(IFS=,; echo "${CASES[*]}")")"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2> /dev/null || echo " (with uncommitted changes)")"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2> /dev/null | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores; server on $SERVER_CPUS, generator on $BENCH_CPUS)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2> /dev/null)"
  echo "kernel: $(uname -sr)"
  echo "dotnet: $(dotnet --version 2> /dev/null)"
  echo "node: $(node --version)"
  echo "durations: $DURATION s measured after $WARMUP s warm-up (slow: after $SLOW_WARMUP s, rest: after $REST_WARMUP s)"
} > "$OUT/env.txt"

# Only the Node peers this run includes: uwebsockets ships prebuilt binaries for every platform (about 250 MB
# installed), which a run without it need not fetch.
for peer in node-ws uwebsockets; do
  [[ " ${TARGETS[*]} " == *" $peer "* ]] || continue
  say "Installing the $peer peer (npm ci)"
  (cd "$PEERS/$peer" && npm ci --no-audit --no-fund --loglevel=error)
done

say "Building Switchboard, the generator and the .NET peers (Release)"
PROJECTS=("$ROOT/src/Switchboard" "$BENCH/Switchboard.Bench" "$PEERS/aspnet-naive" "$PEERS/signalr")
build_all() {
  local project
  for project in "${PROJECTS[@]}"; do
    dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly > "$LOGS/build-$(basename "$project").log" 2>&1 \
      || { cat "$LOGS/build-$(basename "$project").log" >&2; echo "run.sh: build of $project failed" >&2; return 1; }
  done
}
# One lock for the four builds, so a busy machine makes us wait once, not four times.
if command -v flock > /dev/null; then
  exec 9>> "$DOTNET_BUILD_LOCK"
  flock 9
  build_all
  flock -u 9
  exec 9>&-
else
  build_all
fi

# Run copies of the build outputs, so a rebuild in the tree during the run (someone at work on the generator or the
# server) cannot swap the binaries between two cases.
copy_build() {
  mkdir -p "$WORK/bin/$2"
  cp -a "$1/bin/Release/net10.0/." "$WORK/bin/$2/"
}
copy_build "$ROOT/src/Switchboard" switchboard
copy_build "$BENCH/Switchboard.Bench" bench
copy_build "$PEERS/aspnet-naive" aspnet-naive
copy_build "$PEERS/signalr" signalr
SB_BIN="$WORK/bin/switchboard/switchboard"
GEN_BIN="$WORK/bin/bench/switchboard-bench"
NAIVE_BIN="$WORK/bin/aspnet-naive/aspnet-naive"
SIGNALR_BIN="$WORK/bin/signalr/signalr-peer"

# Switchboard runs the built-in seed definition plus a usage plan without throttle or quota for the rest scenario
# (the seed's plan allows 100 requests/s); the benchmark key is on that plan.
SB_CONFIG="$WORK/switchboard.json"
"$SB_BIN" init --output "$SB_CONFIG" > /dev/null
node -e '
const fs = require("fs");
const file = process.argv[1];
const d = JSON.parse(fs.readFileSync(file, "utf8"));
// No throttle and no quota: the rest scenario measures the gateway, not a usage counter written per request.
d.usagePlans.push({ name: "BenchUsagePlan" });
fs.writeFileSync(file, JSON.stringify(d, null, 2));
' "$SB_CONFIG"

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# start_server TARGET LOG: starts a fresh server pinned to SERVER_CPUS; sets SERVER_PID, PORT, URL, PROTOCOL,
# REST_URL and API_KEY.
start_server() {
  local target="$1" log="$2"
  PORT="$(free_port)"
  URL="ws://127.0.0.1:$PORT/dev"
  PROTOCOL=seed
  REST_URL=""
  API_KEY=""
  case "$target" in
    switchboard)
      local data="$WORK/data-$PORT"
      rm -rf "$data"
      API_KEY="$("$SB_BIN" keys create --name bench --plan BenchUsagePlan --config "$SB_CONFIG" --data-dir "$data")"
      # @connections calls are signed (SigV4): the generator signs with this credential (AWS_* variables).
      local credential
      credential="$("$SB_BIN" credentials create --name bench --data-dir "$data")"
      export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
      AWS_ACCESS_KEY_ID="$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' <<<"$credential")"
      AWS_SECRET_ACCESS_KEY="$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' <<<"$credential")"
      REST_URL="http://127.0.0.1:$PORT"
      "${ON_SERVER_CPUS[@]}" "$SB_BIN" serve --config "$SB_CONFIG" --data-dir "$data" \
        --urls "http://127.0.0.1:$PORT" --log-level Warning > "$log" 2>&1 &
      ;;
    node-ws)
      PORT="$PORT" "${ON_SERVER_CPUS[@]}" node "$PEERS/node-ws/server.js" > "$log" 2>&1 &
      ;;
    uwebsockets)
      PORT="$PORT" "${ON_SERVER_CPUS[@]}" node "$PEERS/uwebsockets/server.js" > "$log" 2>&1 &
      ;;
    aspnet-naive)
      "${ON_SERVER_CPUS[@]}" "$NAIVE_BIN" --urls "http://127.0.0.1:$PORT" > "$log" 2>&1 &
      ;;
    signalr)
      URL="ws://127.0.0.1:$PORT/hub"
      PROTOCOL=signalr
      "${ON_SERVER_CPUS[@]}" "$SIGNALR_BIN" --urls "http://127.0.0.1:$PORT" > "$log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!

  # Ready when it answers HTTP at all (Switchboard's /readyz says 200, the ws and uWebSockets.js servers 426, the
  # others 200).
  local tries=0
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PORT/readyz" || true)" =~ ^[1-5][0-9][0-9]$ ]]; do
    if ! kill -0 "$SERVER_PID" 2> /dev/null; then
      echo "run.sh: $target exited before answering; its log:" >&2
      cat "$log" >&2
      SERVER_PID=""
      return 1
    fi
    tries=$((tries + 1))
    if [[ $tries -gt 300 ]]; then
      echo "run.sh: $target did not answer on port $PORT within 30 s" >&2
      stop_server
      return 1
    fi
    sleep 0.1
  done
}

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2> /dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=""
}

# case_args CASE: the generator's scenario and options for one case of the matrix. --rate counts deliveries per
# second in total. slow runs at a fixed rate every target sustains, so its numbers compare across targets: 100
# subscribers at 50,000 deliveries/s of 2 KiB. Measured here: with 64-byte messages the stalled client's kernel
# buffers (a few MB on loopback) absorb the whole run and no server is ever seen blocking; at 1 MB/s into the stalled
# client they fill within 3 s, and a server that awaits each client in turn stops delivering to everyone.
# rest keeps the generator's defaults (100 subscribers, 16 HTTP workers).
case_args() {
  local timed=(--duration "$DURATION" --warmup "$WARMUP")
  case "$1" in
    fanout-max) echo fanout --connections "$SUBSCRIBERS" --publishers 1 --size "$SIZE" --rate max "${timed[@]}" ;;
    fanout-50k) echo fanout --connections "$SUBSCRIBERS" --publishers 1 --size "$SIZE" --rate "$FIXED_DELIVERIES" "${timed[@]}" ;;
    idle) echo idle --connections "$IDLE_CONNECTIONS" --duration "$DURATION" ;;
    connect) echo connect --connections "$CONNECT_CONNECTIONS" ;;
    # slow keeps a short warm-up: its stalled client reads only when the phase ends, and a stall longer than
    # Switchboard's 10 s close-handshake timeout ends with the socket dropped before the client can read the 1008 close
    # frame, so the case would no longer show whether a slow client is told why it was closed.
    slow) echo slow --connections "$SLOW_SUBSCRIBERS" --publishers 1 --size "$SLOW_SIZE" --rate "$SLOW_DELIVERIES" \
      --duration "$DURATION" --warmup "$SLOW_WARMUP" ;;
    # rest gets longer: its request path (HTTP, SigV4, the store) is more code for the JIT, and its rate settles only
    # about 22 s into the load on one core.
    rest) echo rest --duration "$DURATION" --warmup "$REST_WARMUP" ;;
  esac
}

cases_for() {
  # Every case gets a fresh server, so one case never inherits another's heap, registry rows or stalled sockets
  # (idle measures RSS growth per connection, which a warm heap would understate).
  local cases=(fanout-max fanout-50k idle connect slow)
  [[ "$1" == switchboard ]] && cases+=(rest)
  if [[ ${#CASES[@]} -gt 0 ]]; then
    local wanted=() c
    for c in "${cases[@]}"; do [[ " ${CASES[*]} " == *" $c "* ]] && wanted+=("$c"); done
    cases=("${wanted[@]}")
  fi
  echo "${cases[@]}"
}

FAILED=0
NO_RESULT=0
TOTAL=0
for round in $(seq 1 "$RUNS"); do
  for target in "${TARGETS[@]}"; do
    for case_name in $(cases_for "$target"); do
      TOTAL=$((TOTAL + 1))
      tag="r$round-$target-$case_name"
      say "round $round/$RUNS: $target $case_name ($(( (SECONDS - START_TIME) / 60 ))m$(( (SECONDS - START_TIME) % 60 ))s elapsed)"
      if ! start_server "$target" "$LOGS/$tag.server.log"; then
        FAILED=$((FAILED + 1))
        NO_RESULT=$((NO_RESULT + 1))
        printf '{"case":"%s","target":"%s","round":%d,"error":"server did not start"}\n' "$case_name" "$target" "$round" >> "$RESULTS"
        continue
      fi
      read -r -a args <<< "$(case_args "$case_name")"
      args+=(--target "$target" --url "$URL" --protocol "$PROTOCOL" --server-pid "$SERVER_PID" --json "$WORK/$tag.json")
      if [[ -n "$REST_URL" ]]; then args+=(--rest-url "$REST_URL" --api-key "$API_KEY"); fi
      set +e
      # The generator is .NET on one core too: without a tiering delay its own code is at full speed within seconds,
      # so no target is measured against a generator still warming up.
      DOTNET_TC_CallCountingDelayMs=0 "${ON_BENCH_CPUS[@]}" "$GEN_BIN" "${args[@]}" 2>&1 | tee "$LOGS/$tag.bench.log"
      rc=${PIPESTATUS[0]}
      set -e
      stop_server
      # Tag every object the generator wrote with the case and round, so the report can tell fanout-max from
      # fanout-50k and take medians across rounds whatever else the generator records.
      node -e '
const fs = require("fs");
const [file, out, kase, target, round, rc] = process.argv.slice(1);
let lines = [];
try { lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()); } catch {}
const objs = lines.map((l) => { try { return JSON.parse(l); } catch { return { error: "unparsable result line" }; } });
if (objs.length === 0) objs.push({ error: "no result written, exit code " + rc });
for (const o of objs) {
  // rest writes two objects, rest-broadcast and rest-post: keep them apart.
  o.case = typeof o.scenario === "string" && o.scenario.startsWith(kase + "-") ? o.scenario : kase;
  o.target = o.target || target; o.round = Number(round);
  // The generator exits non-zero when a run it reports FAILs (a lost message); that is in the object already.
  if (rc !== "0" && !o.error && o.status !== "FAIL") o.error = "exit code " + rc;
  fs.appendFileSync(out, JSON.stringify(o) + "\n");
}
' "$WORK/$tag.json" "$RESULTS" "$case_name" "$target" "$round" "$rc"
      if [[ $rc -ne 0 ]]; then
        FAILED=$((FAILED + 1))
        echo "run.sh: switchboard-bench exited with $rc for $target $case_name (log: $LOGS/$tag.bench.log)" >&2
      fi
      if [[ ! -s "$WORK/$tag.json" ]]; then NO_RESULT=$((NO_RESULT + 1)); fi
    done
  done
done

ELAPSED=$((SECONDS - START_TIME))
say "Results: $TOTAL runs in $((ELAPSED / 60))m$((ELAPSED % 60))s, $FAILED reported a problem, $NO_RESULT wrote no result: $RESULTS"
cat "$OUT/env.txt"
echo
node "$BENCH/report.js" "$RESULTS" | tee "$OUT/report.md"
# A peer that loses messages or stalls is a finding, shown in the table; only runs without any result fail the script.
[[ $NO_RESULT -eq 0 ]]
