#!/usr/bin/env bash
# bench/integrations.sh: your code behind a route. Switchboard's lambda integrations against the seed's own stack under
# serverless-offline, driven by the same generator (switchboard-bench) in the same run.
#
# Each round runs four cases, every one on a freshly started backend:
#   echo      switchboard          Switchboard (Release) with examples/seed-lambdas/switchboard.json plus a two-way route
#                                  echo (lambda integration, routeResponseSelectionExpression $default) to
#                                  bench/lambdas/echo, served by the seed's Lambda runner (examples/seed-lambdas/start.js,
#                                  FUNCTIONS_DIRS=bench/lambdas) with dynalite; scenario echo
#             serverless-offline   bench/peers/serverless-offline (the same functions, echo included, and dynalite); echo
#   lambda-fanout  both            the seed's onMessage through the seed's unchanged broadcastMessage (a DynamoDB scan and
#                                  one postToConnection per recipient); scenario fanout, FANOUT_SUBSCRIBERS subscribers,
#                                  1 publisher, closed loop with FANOUT_WINDOW messages in flight
# Results: bench/results/integrations-<timestamp>/ (results.jsonl, report.md, env.txt, logs/); bench/report.js prints
# the table with Switchboard / serverless-offline ratios.
#
#   bench/integrations.sh              3 rounds (about 10 minutes on 2 cores, builds included)
#   bench/integrations.sh --rounds N
#   bench/integrations.sh --smoke      one round of a few seconds per case; fails on any lost message or failed run
#
# Pinning: the whole backend of each stack (the gateway, the function runner or serverless-offline with its Lambda
# worker threads, and dynalite) on SERVER_CPUS (default 0), the generator on BENCH_CPUS (default 1). Environment:
# DURATION, WARMUP (seconds), ECHO_CONNECTIONS (50), ECHO_WINDOW (1), FANOUT_SUBSCRIBERS (20), FANOUT_WINDOW (4),
# DOTNET_BUILD_LOCK (default /tmp/dotnet-build.lock) serialises dotnet builds with others on the machine.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

ROUNDS=3
SMOKE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="${2:?--rounds needs a number}"; shift 2 ;;
    --rounds=*) ROUNDS="${1#*=}"; shift ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "integrations.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "integrations.sh: --rounds must be a positive integer, got '$ROUNDS'" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
SEED="$ROOT/examples/seed-lambdas"
OFFLINE="$BENCH/peers/serverless-offline"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BENCH/results/integrations-$STAMP"
RESULTS="$OUT/results.jsonl"
LOGS="$OUT/logs"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-integrations.XXXXXX")"
mkdir -p "$LOGS"
: > "$RESULTS"

# The warm-up covers serverless-offline's cold starts: it starts one Lambda worker thread per concurrent invocation on
# first use, each loading its function (and aws-sdk) anew: about 2.5 s for the first ones on one core, and for 50 at
# once several seconds more. Neither stack is measured before its functions are warm.
if [[ $SMOKE -eq 1 ]]; then
  ROUNDS=1
  DURATION="${DURATION:-2}"
  WARMUP="${WARMUP:-4}"
  ECHO_CONNECTIONS="${ECHO_CONNECTIONS:-5}"
  FANOUT_SUBSCRIBERS="${FANOUT_SUBSCRIBERS:-5}"
else
  DURATION="${DURATION:-10}"
  WARMUP="${WARMUP:-10}"
fi
ECHO_CONNECTIONS="${ECHO_CONNECTIONS:-50}"
ECHO_WINDOW="${ECHO_WINDOW:-1}"
FANOUT_SUBSCRIBERS="${FANOUT_SUBSCRIBERS:-20}"
FANOUT_WINDOW="${FANOUT_WINDOW:-4}"
SERVER_CPUS="${SERVER_CPUS:-0}"
BENCH_CPUS="${BENCH_CPUS:-1}"
DOTNET_BUILD_LOCK="${DOTNET_BUILD_LOCK:-/tmp/dotnet-build.lock}"

STACK_PIDS=()
cleanup() {
  stop_stack
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

for tool in node npm dotnet curl; do
  command -v "$tool" > /dev/null || { echo "integrations.sh: '$tool' is required and not on PATH" >&2; exit 1; }
done

# As in run.sh: arrays, not functions, so that $! is the started process and not a subshell.
ON_SERVER_CPUS=(taskset -c "$SERVER_CPUS")
ON_BENCH_CPUS=(taskset -c "$BENCH_CPUS")
if ! command -v taskset > /dev/null || [[ "$(nproc)" -lt 2 ]]; then
  ON_SERVER_CPUS=(env)
  ON_BENCH_CPUS=(env)
  echo "integrations.sh: warning: taskset missing or fewer than 2 cores; backends and generator are not pinned" >&2
fi

START_TIME=$SECONDS
{
  echo "command: bench/integrations.sh --rounds $ROUNDS$([[ $SMOKE -eq 1 ]] && echo " --smoke")"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2> /dev/null || echo " (with uncommitted changes)")"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2> /dev/null | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores; each backend, gateway + functions + dynalite, on $SERVER_CPUS, generator on $BENCH_CPUS)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2> /dev/null)"
  echo "kernel: $(uname -sr)"
  echo "dotnet: $(dotnet --version 2> /dev/null)"
  echo "node: $(node --version)"
  echo "durations: $DURATION s measured after $WARMUP s warm-up"
  echo "echo: $ECHO_CONNECTIONS connections, window $ECHO_WINDOW each; lambda-fanout: $FANOUT_SUBSCRIBERS subscribers, 1 publisher, window $FANOUT_WINDOW"
} > "$OUT/env.txt"

# npm ci only where the installed tree does not match the lock file: another user of the tree may be running the
# example or its tests from the same node_modules.
say "Installing the function runner and serverless-offline (npm ci where needed)"
for dir in "$SEED" "$OFFLINE"; do
  (cd "$dir" && { npm ls --depth=0 > /dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; })
done

say "Building Switchboard and the generator (Release)"
build_all() {
  local project
  for project in "$ROOT/src/Switchboard" "$BENCH/Switchboard.Bench"; do
    dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly > "$LOGS/build-$(basename "$project").log" 2>&1 \
      || { cat "$LOGS/build-$(basename "$project").log" >&2; echo "integrations.sh: build of $project failed" >&2; return 1; }
  done
}
if command -v flock > /dev/null; then
  exec 9>> "$DOTNET_BUILD_LOCK"
  flock 9
  build_all
  flock -u 9
  exec 9>&-
else
  build_all
fi
mkdir -p "$WORK/bin/switchboard" "$WORK/bin/bench"
cp -a "$ROOT/src/Switchboard/bin/Release/net10.0/." "$WORK/bin/switchboard/"
cp -a "$BENCH/Switchboard.Bench/bin/Release/net10.0/." "$WORK/bin/bench/"
SB_BIN="$WORK/bin/switchboard/switchboard"
GEN_BIN="$WORK/bin/bench/switchboard-bench"

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# wait_for_line FILE REGEX PID: prints the first match of the sed REGEX's group 1 in FILE once it appears; fails when
# PID exits first or after 90 s.
wait_for_line() {
  local file="$1" regex="$2" pid="$3" value="" tries=0
  while [[ -z "$value" ]]; do
    value="$(sed -n "s#$regex#\\1#p" "$file" 2> /dev/null | head -n 1)"
    [[ -n "$value" ]] && break
    kill -0 "$pid" 2> /dev/null || return 1
    tries=$((tries + 1))
    [[ $tries -gt 900 ]] && return 1
    sleep 0.1
  done
  echo "$value"
}

descendants() {
  local child
  for child in $(pgrep -P "$1" 2> /dev/null || true); do
    echo "$child"
    descendants "$child"
  done
}

# The seed's definition with the runner's port, plus the benchmark's two-way echo route.
write_definition() {
  node -e '
const fs = require("fs");
const [src, out, endpoint] = process.argv.slice(1);
const d = JSON.parse(fs.readFileSync(src, "utf8"));
const integrations = [
  ...d.webSocketApis.flatMap((api) => Object.values(api.routes).map((r) => r.integration)),
  ...d.restApis.flatMap((api) => Object.values(api.resources).flatMap((r) => Object.values(r.methods).map((m) => m.integration))),
];
for (const integration of integrations) if (integration.type === "lambda") integration.endpoint = endpoint;
d.webSocketApis[0].routes.echo = {
  integration: { type: "lambda", endpoint, function: "echo" },
  routeResponseSelectionExpression: "$default",
};
fs.writeFileSync(out, JSON.stringify(d, null, 2));
' "$SEED/switchboard.json" "$1" "$2"
}

# start_stack TARGET TAG: starts a fresh backend pinned to SERVER_CPUS; sets URL, SERVER_PID (the gateway) and
# STACK_PIDS (every process of the backend, for its CPU and for stopping it).
start_stack() {
  local target="$1" tag="$2"
  STACK_PIDS=()
  case "$target" in
    switchboard)
      RUNNER_PORT=0 DYNALITE_PORT=0 FUNCTIONS_DIRS="$BENCH/lambdas" \
        "${ON_SERVER_CPUS[@]}" node "$SEED/start.js" > "$LOGS/$tag.runner.out" 2> "$LOGS/$tag.runner.log" &
      local runner_pid=$!
      STACK_PIDS+=("$runner_pid")
      local runner
      runner="$(wait_for_line "$LOGS/$tag.runner.out" '^READY runner=\(http://[^ ]*\).*' "$runner_pid")" \
        || { echo "integrations.sh: the Lambda runner did not start; its log:" >&2; cat "$LOGS/$tag.runner.log" >&2; return 1; }
      local port data="$WORK/data-$tag"
      port="$(free_port)"
      write_definition "$WORK/$tag.definition.json" "$runner"
      # The functions sign their @connections calls with the AWS_* variables, or local/local when unset (the runner's
      # default, as in examples/seed-lambdas); the gateway accepts that pair through its environment credential.
      SWITCHBOARD_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" SWITCHBOARD_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}" \
      "${ON_SERVER_CPUS[@]}" "$SB_BIN" serve --config "$WORK/$tag.definition.json" --data-dir "$data" \
        --urls "http://127.0.0.1:$port" --log-level Warning > "$LOGS/$tag.server.log" 2>&1 &
      SERVER_PID=$!
      STACK_PIDS=("$SERVER_PID" "${STACK_PIDS[@]}")
      URL="ws://127.0.0.1:$port/dev"
      local tries=0
      until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/readyz" || true)" == 200 ]]; do
        kill -0 "$SERVER_PID" 2> /dev/null || { echo "integrations.sh: Switchboard exited; its log:" >&2; cat "$LOGS/$tag.server.log" >&2; return 1; }
        tries=$((tries + 1))
        [[ $tries -gt 300 ]] && { echo "integrations.sh: Switchboard not ready within 30 s" >&2; return 1; }
        sleep 0.1
      done
      ;;
    serverless-offline)
      WS_PORT=0 "${ON_SERVER_CPUS[@]}" node "$OFFLINE/start.js" > "$LOGS/$tag.server.out" 2> "$LOGS/$tag.server.log" &
      local start_pid=$!
      STACK_PIDS+=("$start_pid")
      URL="$(wait_for_line "$LOGS/$tag.server.out" '^READY ws=\(ws://[^ ]*\).*' "$start_pid")" \
        || { echo "integrations.sh: serverless-offline did not start; its log:" >&2; tail -n 40 "$LOGS/$tag.server.log" >&2; return 1; }
      # start.js holds dynalite and runs `serverless offline` as its child: that child is the gateway, and its Lambda
      # worker threads are threads of the same process.
      SERVER_PID="$(pgrep -P "$start_pid" | head -n 1)"
      local pid
      for pid in $(descendants "$start_pid"); do STACK_PIDS+=("$pid"); done
      ;;
  esac
}

stop_stack() {
  [[ ${#STACK_PIDS[@]} -gt 0 ]] || return 0
  local pid i
  # Children first seen now too (serverless-offline), so none outlives the script.
  for pid in "${STACK_PIDS[@]}"; do
    for i in $(descendants "$pid"); do [[ " ${STACK_PIDS[*]} " == *" $i "* ]] || STACK_PIDS+=("$i"); done
  done
  for pid in "${STACK_PIDS[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for i in $(seq 1 100); do
    local alive=0
    for pid in "${STACK_PIDS[@]}"; do kill -0 "$pid" 2> /dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for pid in "${STACK_PIDS[@]}"; do kill -KILL "$pid" 2> /dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  STACK_PIDS=()
}

# Connections open 4 at a time: each handshake runs the seed's saveClientConnection ($connect), and serverless-offline
# starts one worker thread per concurrent invocation; 50 handshakes at once took 50 cold starts on one core and passed
# the generator's 15 s handshake timeout.
case_args() {
  local timed=(--duration "$DURATION" --warmup "$WARMUP" --concurrency 4)
  case "$1" in
    echo) echo echo --connections "$ECHO_CONNECTIONS" --window "$ECHO_WINDOW" --rate max "${timed[@]}" ;;
    # The seed's broadcastMessage answers before its posts are done (fire and forget), and both runners answer the
    # invocation then, so one sender's broadcasts can overtake each other on either stack: counted, not a failure.
    lambda-fanout) echo fanout --connections "$FANOUT_SUBSCRIBERS" --publishers 1 --rate max --window "$FANOUT_WINDOW" --unordered "${timed[@]}" ;;
  esac
}

FAILED=0
NO_RESULT=0
TOTAL=0
for round in $(seq 1 "$ROUNDS"); do
  for case_name in echo lambda-fanout; do
    for target in switchboard serverless-offline; do
      TOTAL=$((TOTAL + 1))
      tag="r$round-$target-$case_name"
      say "round $round/$ROUNDS: $target $case_name ($(( (SECONDS - START_TIME) / 60 ))m$(( (SECONDS - START_TIME) % 60 ))s elapsed)"
      if ! start_stack "$target" "$tag"; then
        stop_stack
        FAILED=$((FAILED + 1))
        NO_RESULT=$((NO_RESULT + 1))
        printf '{"case":"%s","target":"%s","round":%d,"error":"backend did not start"}\n' "$case_name" "$target" "$round" >> "$RESULTS"
        continue
      fi
      read -r -a args <<< "$(case_args "$case_name")"
      args+=(--target "$target" --url "$URL" --server-pid "$SERVER_PID" --stack-pids "$(IFS=,; echo "${STACK_PIDS[*]}")" --json "$WORK/$tag.json")
      [[ $SMOKE -eq 1 ]] && args+=(--smoke)
      set +e
      "${ON_BENCH_CPUS[@]}" "$GEN_BIN" "${args[@]}" 2>&1 | tee "$LOGS/$tag.bench.log"
      rc=${PIPESTATUS[0]}
      set -e
      stop_stack
      # Tag every object with the case and round (as run.sh does), so the report takes medians across rounds.
      node -e '
const fs = require("fs");
const [file, out, kase, target, round, rc] = process.argv.slice(1);
let lines = [];
try { lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()); } catch {}
const objs = lines.map((l) => { try { return JSON.parse(l); } catch { return { error: "unparsable result line" }; } });
if (objs.length === 0) objs.push({ error: "no result written, exit code " + rc });
for (const o of objs) {
  o.case = kase; o.target = o.target || target; o.round = Number(round);
  if (rc !== "0" && !o.error && o.status !== "FAIL") o.error = "exit code " + rc;
  fs.appendFileSync(out, JSON.stringify(o) + "\n");
}
' "$WORK/$tag.json" "$RESULTS" "$case_name" "$target" "$round" "$rc"
      if [[ $rc -ne 0 ]]; then
        FAILED=$((FAILED + 1))
        echo "integrations.sh: switchboard-bench exited with $rc for $target $case_name (log: $LOGS/$tag.bench.log)" >&2
      fi
      [[ -s "$WORK/$tag.json" ]] || NO_RESULT=$((NO_RESULT + 1))
    done
  done
done

ELAPSED=$((SECONDS - START_TIME))
say "Results: $TOTAL runs in $((ELAPSED / 60))m$((ELAPSED % 60))s, $FAILED reported a problem, $NO_RESULT wrote no result: $RESULTS"
cat "$OUT/env.txt"
echo
node "$BENCH/report.js" "$RESULTS" | tee "$OUT/report.md"
# Full runs: a stack that loses messages is a finding, shown in the table; only runs without a result fail the script.
# Smoke: any problem fails it.
if [[ $SMOKE -eq 1 ]]; then
  [[ $FAILED -eq 0 ]]
else
  [[ $NO_RESULT -eq 0 ]]
fi
