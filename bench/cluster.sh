#!/usr/bin/env bash
# bench/cluster.sh: what a cluster costs a broadcast. Not a test: it prints numbers (docs/performance.md, "Cluster").
#
# Builds Switchboard and the generator (Release), starts redis-server on a free port, and for each fan-out shape (S
# subscribers per generator, R broadcasts a second) and each case starts fresh nodes and three switchboard-bench
# fanout processes of S subscribers each (3 x S in all):
#
#   memory-1   1 node,  --store memory: all 3 x S subscribers on it (no Redis at all)
#   redis-1    1 node,  --store redis:  all on it; every broadcast is also published to Redis, heard by no other node
#   redis-3    3 nodes, --store redis:  S on each; a broadcast crosses Redis to reach two thirds of them
#
# The generator has one --url, so each node gets its own generator process. Only generator A publishes (one publisher
# at R broadcasts a second, open loop, each broadcast to all 3 x S); B and C publish a single message when they
# start and then only listen. They start first (B, then C once B's single message is out, then A), so every
# subscriber's count is known exactly: A's subscribers get A's N broadcasts, C's get N + 1, B's get N + 2. The script
# checks those counts (exactly once) and reports each generator's latency: A's subscribers share the publisher's
# node, B's and C's are on the other two nodes in redis-3 (on the same node in the 1-node cases, as a baseline).
# B's and C's measured windows are scheduled to begin when A's begins (to within about half a second) and end
# after A's last broadcast.
#
# Then max-rate fan-out (closed loop, 64 in flight) from one generator to 1,000 subscribers on one node, memory against
# redis: what the Redis store costs a client's broadcasts when nothing else limits the rate.
#
# Nodes and redis-server share core 0 (SERVER_CPUS), the generators core 1 (BENCH_CPUS): the cluster gets the same one
# core a single node gets, so the numbers are the cost of the protocol, not scale-out.
#
#   bench/cluster.sh           SHAPES "1000:10 100:50": 3,000 subscribers at 10 broadcasts/s (30,000 deliveries/s,
#                              half the core), and 300 at 50/s (where a broadcast's own fan-out is short and the
#                              crossing shows); 10 s measured after 2 s warm-up; about 3.5 minutes with the build
#   bench/cluster.sh --quick   SHAPES "100:50", 3 s measured: checks the tooling
#
# Environment: SERVER_CPUS, BENCH_CPUS, SHAPES, DURATION, WARMUP; DOTNET_BUILD_LOCK (default /tmp/dotnet-build.lock)
# serialises the builds with others on the machine. Results: bench/results/cluster-<timestamp>/.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

QUICK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "cluster.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ $QUICK -eq 1 ]]; then
  DURATION="${DURATION:-3}"
  WARMUP="${WARMUP:-1}"
  SHAPES="${SHAPES:-100:50}"
else
  DURATION="${DURATION:-10}"
  WARMUP="${WARMUP:-2}"
  SHAPES="${SHAPES:-1000:10 100:50}"
fi
SIZE=64
SERVER_CPUS="${SERVER_CPUS:-0}"
BENCH_CPUS="${BENCH_CPUS:-1}"
DOTNET_BUILD_LOCK="${DOTNET_BUILD_LOCK:-/tmp/dotnet-build.lock}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/cluster-$STAMP"
LOGS="$OUT/logs"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-cluster-bench.XXXXXX")"
mkdir -p "$LOGS"

for tool in dotnet node curl redis-server redis-cli; do
  command -v "$tool" > /dev/null || { echo "cluster.sh: '$tool' is required and not on PATH" >&2; exit 1; }
done

ON_SERVER_CPUS=(taskset -c "$SERVER_CPUS")
ON_BENCH_CPUS=(taskset -c "$BENCH_CPUS")
if ! command -v taskset > /dev/null || [[ "$(nproc)" -lt 2 ]]; then
  ON_SERVER_CPUS=(env)
  ON_BENCH_CPUS=(env)
  echo "cluster.sh: warning: taskset missing or fewer than 2 cores; nodes and generators are not pinned" >&2
fi
ulimit -n 65536 2> /dev/null || ulimit -n "$(ulimit -Hn)"

REDIS_PID=""
NODE_PIDS=()
NODE_PORTS=()
GEN_PIDS=()
cleanup() {
  local pid
  for pid in "${GEN_PIDS[@]}"; do kill -KILL "$pid" 2> /dev/null || true; done
  stop_nodes
  if [[ -n "$REDIS_PID" ]]; then kill -KILL "$REDIS_PID" 2> /dev/null || true; wait "$REDIS_PID" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
now() { date +%s.%N; }
# sleep_until T: sleeps until the clock (now) reads T.
sleep_until() {
  local left
  left="$(awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; print (d > 0 ? d : 0) }')"
  sleep "$left"
}

{
  echo "command: bench/cluster.sh$([[ $QUICK -eq 1 ]] && echo " --quick") (SHAPES=\"$SHAPES\")"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2> /dev/null || echo " (with uncommitted changes)")"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2> /dev/null | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores; nodes and redis on $SERVER_CPUS, generators on $BENCH_CPUS)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2> /dev/null)"
  echo "kernel: $(uname -sr)"
  echo "dotnet: $(dotnet --version 2> /dev/null)"
  echo "redis: $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
  echo "durations: $DURATION s measured after $WARMUP s warm-up"
} > "$OUT/env.txt"

say "Building Switchboard and the generator (Release)"
build_all() {
  local project
  for project in "$ROOT/src/Switchboard" "$ROOT/bench/Switchboard.Bench"; do
    dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly > "$LOGS/build-$(basename "$project").log" 2>&1 \
      || { cat "$LOGS/build-$(basename "$project").log" >&2; echo "cluster.sh: build of $project failed" >&2; return 1; }
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

# Copies, so a rebuild in the tree during the run cannot swap the binaries between cases.
mkdir -p "$WORK/bin/switchboard" "$WORK/bin/bench"
cp -a "$ROOT/src/Switchboard/bin/Release/net10.0/." "$WORK/bin/switchboard/"
cp -a "$ROOT/bench/Switchboard.Bench/bin/Release/net10.0/." "$WORK/bin/bench/"
SB_BIN="$WORK/bin/switchboard/switchboard"
GEN_BIN="$WORK/bin/bench/switchboard-bench"

say "Starting redis-server"
REDIS_PORT="$(free_port)"
"${ON_SERVER_CPUS[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  --daemonize no --loglevel warning > "$LOGS/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 100); do
  [[ "$(redis-cli -p "$REDIS_PORT" ping 2> /dev/null)" == PONG ]] && break
  sleep 0.1
done
[[ "$(redis-cli -p "$REDIS_PORT" ping 2> /dev/null)" == PONG ]] || { echo "cluster.sh: redis-server did not start" >&2; cat "$LOGS/redis.log" >&2; exit 1; }

# The one key every node must share to read the credentials the others sealed.
export SWITCHBOARD_CREDENTIALS_KEY
SWITCHBOARD_CREDENTIALS_KEY="$(head -c 32 /dev/urandom | base64)"

# start_nodes STORE COUNT TAG: fresh nodes (Redis emptied first); sets NODE_PIDS and NODE_PORTS.
start_nodes() {
  local store="$1" count="$2" tag="$3" i port store_args
  redis-cli -p "$REDIS_PORT" flushall > /dev/null
  NODE_PIDS=()
  NODE_PORTS=()
  for i in $(seq 1 "$count"); do
    port="$(free_port)"
    store_args=(--store memory)
    [[ "$store" == redis ]] && store_args=(--store redis --redis "127.0.0.1:$REDIS_PORT")
    "${ON_SERVER_CPUS[@]}" "$SB_BIN" serve --urls "http://127.0.0.1:$port" --node-id "node-$i" "${store_args[@]}" \
      --data-dir "$WORK/data" --log-level Warning > "$LOGS/$tag.node-$i.log" 2>&1 &
    NODE_PIDS+=($!)
    NODE_PORTS+=("$port")
  done
  for i in "${!NODE_PORTS[@]}"; do
    local tries=0
    until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:${NODE_PORTS[$i]}/readyz" || true)" == 200 ]]; do
      tries=$((tries + 1))
      if [[ $tries -gt 300 ]] || ! kill -0 "${NODE_PIDS[$i]}" 2> /dev/null; then
        echo "cluster.sh: node $((i + 1)) did not become ready; its log:" >&2
        cat "$LOGS/$tag.node-$((i + 1)).log" >&2
        return 1
      fi
      sleep 0.1
    done
  done
}

stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  NODE_PIDS=()
  NODE_PORTS=()
}

# abort_case: ends a case that could not run (its generators and nodes); the caller counts it as failed. Functions run
# under '||' here, where set -e does not apply, so every step that can fail is checked.
abort_case() {
  local pid
  for pid in "${GEN_PIDS[@]}"; do kill -KILL "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; done
  GEN_PIDS=()
  stop_nodes
}

# connections PORT: the node's open WebSocket connections (its /metrics).
connections() {
  curl -s --max-time 2 "http://127.0.0.1:$1/metrics" | sed -n 's/^switchboard_connections{[^}]*} \([0-9]*\)$/\1/p'
}

# wait_connections PORT N DEADLINE: until the node holds at least N connections, or fails at the DEADLINE (now-based).
wait_connections() {
  until [[ "$(connections "$1")" -ge "$2" ]]; do
    if awk -v t="$3" -v n="$(now)" 'BEGIN { exit !(n > t) }'; then
      echo "cluster.sh: the node on port $1 holds $(connections "$1") connections, expected $2" >&2
      return 1
    fi
    sleep 0.05
  done
}

# One generator of a trio: NAME PORT NODE_PID RATE WARMUP DURATION [more generator options].
start_generator() {
  local name="$1" port="$2" pid="$3" rate="$4" warmup="$5" duration="$6"
  shift 6
  "${ON_BENCH_CPUS[@]}" "$GEN_BIN" fanout --target "$TRIO_TAG-$name" --url "ws://127.0.0.1:$port/dev" \
    --connections "$SUBSCRIBERS" --publishers 1 --size "$SIZE" --rate "$rate" --warmup "$warmup" --duration "$duration" \
    --server-pid "$pid" --json "$OUT/$TRIO_TAG.$name.json" "$@" > "$LOGS/$TRIO_TAG.$name.log" 2>&1 &
  GEN_PIDS+=($!)
}

# report check OUT TAG CASE NODES RATE | max OUT TAG CASE EXIT | table RESULTS: reads the generators' JSON, checks a
# trio's counts (A's subscribers get A's N broadcasts, C's N + 1, B's N + 2: each exactly once) and prints one JSON line
# per case, or the Markdown table of all of them.
report() {
  node -e '
const fs = require("fs");
const [mode, ...args] = process.argv.slice(1);
const read = (file) => { try { return JSON.parse(fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim())[0]); } catch { return null; } };
const m = (run, name) => (run && run.metrics && typeof run.metrics[name] === "number" ? run.metrics[name] : NaN);
if (mode === "check") {
  const [out, tag, kase, nodes, rate] = args;
  const [a, b, c] = ["a", "b", "c"].map((g) => read(`${out}/${tag}.${g}.json`));
  const problems = [];
  if (!a || !b || !c) problems.push("a generator wrote no result (see its log)");
  const subs = a ? a.parameters.subscribers : 0;
  const published = m(a, "expected") / subs;
  if (a && (a.status === "FAIL" || a.failures.length > 0)) problems.push(`A: ${a.failures.join("; ")}`);
  for (const [name, run, extra] of [["B", b, 2], ["C", c, 1]]) {
    const want = (published + extra) * subs;
    if (run && m(run, "delivered") !== want) problems.push(`${name}: ${m(run, "delivered")} deliveries, expected ${want} (${published} + ${extra} broadcasts x ${subs})`);
    // Each subscriber sees the silent generators sequence-0 messages before the stream of A: that many are "out of order".
    if (run && m(run, "outOfOrder") > extra * subs) problems.push(`${name}: ${m(run, "outOfOrder") - extra * subs} of A\u0027s broadcasts out of order`);
  }
  const r = {
    case: kase, nodes: Number(nodes), subscribers: subs * 3, rate: Number(rate), published,
    deliveriesPerSec: m(a, "publishesPerSec") * subs * 3,
    aP50: m(a, "latencyP50Ms"), aP99: m(a, "latencyP99Ms"), aP999: m(a, "latencyP999Ms"),
    bP50: m(b, "latencyP50Ms"), bP99: m(b, "latencyP99Ms"), bP999: m(b, "latencyP999Ms"),
    cP50: m(c, "latencyP50Ms"), cP99: m(c, "latencyP99Ms"), cP999: m(c, "latencyP999Ms"),
    nodeACpu: m(a, "serverCpuPercent"), serverSideCpu: m(a, "stackCpuPercent"),
    generatorCpu: [a, b, c].map((x) => (x ? x.generatorCpuPercent : NaN)),
    exactlyOnce: problems.length === 0, problems,
  };
  console.log(JSON.stringify(r));
  process.exit(problems.length === 0 ? 0 : 1);
}
if (mode === "max") {
  const [out, tag, kase, exit] = args;
  const a = read(`${out}/${tag}.a.json`);
  const problems = !a ? ["no result (see the log)"] : a.failures;
  console.log(JSON.stringify({
    case: kase, nodes: 1, rate: "max", deliveriesPerSec: m(a, "deliveredPerSec"), publishesPerSec: m(a, "publishesPerSec"),
    aP50: m(a, "latencyP50Ms"), aP99: m(a, "latencyP99Ms"), nodeACpu: m(a, "serverCpuPercent"), serverSideCpu: m(a, "stackCpuPercent"),
    generatorCpu: [a ? a.generatorCpuPercent : NaN], exactlyOnce: problems.length === 0 && exit === "0", problems,
  }));
  process.exit(problems.length === 0 ? 0 : 1);
}
if (mode === "table") {
  const rows = fs.readFileSync(args[0], "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const f = (x, d = 2) => (Number.isFinite(x) ? (x >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : d)) : "-");
  const label = { "memory-1": "1 node, memory", "redis-1": "1 node, Redis", "redis-3": "3 nodes, Redis" };
  console.log("| case | subscribers | broadcasts/s | deliveries/s | A (publisher\u0027s node) p50 / p99 / p99.9 ms | B p50 / p99 / p99.9 ms | C p50 / p99 / p99.9 ms | node A CPU % | nodes + Redis CPU % | generators CPU % | exactly once |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of rows.filter((x) => x.rate !== "max")) {
    console.log(`| ${label[r.case] || r.case} | ${f(r.subscribers)} | ${r.rate} | ${f(r.deliveriesPerSec)} | ${f(r.aP50)} / ${f(r.aP99)} / ${f(r.aP999)} | ${f(r.bP50)} / ${f(r.bP99)} / ${f(r.bP999)} | ${f(r.cP50)} / ${f(r.cP99)} / ${f(r.cP999)} | ${f(r.nodeACpu, 1)} | ${f(r.serverSideCpu, 1)} | ${r.generatorCpu.map((x) => f(x, 1)).join(", ")} | ${r.exactlyOnce ? "yes" : "NO: " + r.problems.join("; ")} |`);
  }
  const max = rows.filter((x) => x.rate === "max");
  if (max.length > 0) {
    console.log("");
    console.log("| max rate, 1 node, 1,000 subscribers | deliveries/s | broadcasts/s | p50 / p99 ms | node CPU % | node + Redis CPU % | generator CPU % | exactly once |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---|");
    for (const r of max) {
      console.log(`| ${label[r.case] || r.case} | ${f(r.deliveriesPerSec)} | ${f(r.publishesPerSec)} | ${f(r.aP50)} / ${f(r.aP99)} | ${f(r.nodeACpu, 1)} | ${f(r.serverSideCpu, 1)} | ${f(r.generatorCpu[0], 1)} | ${r.exactlyOnce ? "yes" : "NO: " + r.problems.join("; ")} |`);
    }
  }
}
' "$@"
}

# run_trio CASE STORE NODES RATE: generators B and C (silent) and A (publishing RATE broadcasts/s), SUBSCRIBERS each,
# on nodes 2, 3 and 1 (all on node 1 with one node). The schedule, from B's start: C at +C_AT s (B's connections and
# its single message are out by then), A at +A_AT s. Each generator begins its warm-up about the same time after its
# own start (process start, handshakes: under a second here), so with B's warm-up A_AT + WARMUP and C's
# A_AT - C_AT + WARMUP, all three begin measuring together.
C_AT=3
A_AT=6
run_trio() {
  local kase="$1" store="$2" nodes="$3" rate="$4"
  TRIO_TAG="$kase-s$((SUBSCRIBERS * 3))-r$rate"
  say "$kase: $nodes node(s), --store $store, $((SUBSCRIBERS * 3)) subscribers, $rate broadcasts/s from generator A"
  start_nodes "$store" "$nodes" "$TRIO_TAG" || { abort_case; return 1; }
  local node_b=0 node_c=0
  if [[ "$nodes" -eq 3 ]]; then node_b=1; node_c=2; fi
  local stack
  stack="$(IFS=,; echo "${NODE_PIDS[*]}")"
  [[ "$store" == redis ]] && stack="$stack,$REDIS_PID"

  local t0 tail=3 at
  t0="$(now)"
  at() { awk -v t="$t0" -v d="$1" 'BEGIN { printf "%.3f", t + d }'; }
  GEN_PIDS=()
  # Silent generators: one message as they start (--rate 0.001 deliveries/s in all is one broadcast in more than a
  # day), then they only listen. Their counts are checked here, so they run --unordered and their exit status
  # (they see more than they expect) is ignored.
  start_generator b "${NODE_PORTS[$node_b]}" "${NODE_PIDS[$node_b]}" 0.001 $((A_AT + WARMUP)) $((DURATION + tail)) --unordered
  wait_connections "${NODE_PORTS[$node_b]}" $((SUBSCRIBERS + 1)) "$(at $((C_AT - 1)))" || { abort_case; return 1; }
  sleep_until "$(at "$C_AT")"
  start_generator c "${NODE_PORTS[$node_c]}" "${NODE_PIDS[$node_c]}" 0.001 $((A_AT - C_AT + WARMUP)) $((DURATION + tail)) --unordered
  local expected_c=$((SUBSCRIBERS + 1))
  [[ "$nodes" -eq 1 ]] && expected_c=$((2 * (SUBSCRIBERS + 1)))
  wait_connections "${NODE_PORTS[$node_c]}" "$expected_c" "$(at $((A_AT - 1)))" || { abort_case; return 1; }
  sleep_until "$(at "$A_AT")"
  start_generator a "${NODE_PORTS[0]}" "${NODE_PIDS[0]}" $((rate * SUBSCRIBERS)) "$WARMUP" "$DURATION" --stack-pids "$stack"

  local status=0 pid i
  for pid in "${GEN_PIDS[@]}"; do wait "$pid" || true; done
  GEN_PIDS=()
  # Per node, what crossed Redis: broadcasts published and sends received from other nodes.
  for i in "${!NODE_PORTS[@]}"; do
    curl -s --max-time 2 "http://127.0.0.1:${NODE_PORTS[$i]}/metrics" \
      | grep -E '^switchboard_(backplane_(published|published_bytes|received|unavailable)_total|broadcasts_total|messages_dropped_total)' \
      >> "$LOGS/$TRIO_TAG.metrics.txt" || true
  done
  stop_nodes
  report check "$OUT" "$TRIO_TAG" "$kase" "$nodes" "$rate" >> "$OUT/results.jsonl" || status=$?
  tail -n 1 "$OUT/results.jsonl"
  return $status
}

# run_max CASE STORE: one generator, 1,000 subscribers and one publisher on one node, closed loop.
run_max() {
  local kase="$1" store="$2"
  TRIO_TAG="$kase-s$SUBSCRIBERS-max"
  say "$kase: 1 node, --store $store, $SUBSCRIBERS subscribers, max rate"
  start_nodes "$store" 1 "$TRIO_TAG" || { abort_case; return 1; }
  GEN_PIDS=()
  local stack="${NODE_PIDS[0]}"
  [[ "$store" == redis ]] && stack="$stack,$REDIS_PID"
  start_generator a "${NODE_PORTS[0]}" "${NODE_PIDS[0]}" max "$WARMUP" "$DURATION" --stack-pids "$stack"
  local status=0
  wait "${GEN_PIDS[0]}" || status=$?
  GEN_PIDS=()
  stop_nodes
  report max "$OUT" "$TRIO_TAG" "$kase" "$status" >> "$OUT/results.jsonl" || status=$?
  tail -n 1 "$OUT/results.jsonl"
  return $status
}

FAILED=0
for shape in $SHAPES; do
  SUBSCRIBERS="${shape%%:*}"
  rate="${shape##*:}"
  run_trio memory-1 memory 1 "$rate" || FAILED=$((FAILED + 1))
  run_trio redis-1 redis 1 "$rate" || FAILED=$((FAILED + 1))
  run_trio redis-3 redis 3 "$rate" || FAILED=$((FAILED + 1))
done
SUBSCRIBERS=1000
run_max memory-1 memory || FAILED=$((FAILED + 1))
run_max redis-1 redis || FAILED=$((FAILED + 1))

say "Results ($OUT)"
cat "$OUT/env.txt"
report table "$OUT/results.jsonl" | tee "$OUT/report.md"
echo "took ${SECONDS}s"
if [[ $FAILED -gt 0 ]]; then
  echo "cluster.sh: $FAILED case(s) failed: see $LOGS" >&2
  exit 1
fi
