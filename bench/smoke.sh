#!/usr/bin/env bash
# Smoke run of the benchmark tooling against Switchboard, for CI: build the server and the generator (Release), start a
# server on a free port with a temporary data dir, create an unthrottled API key, run every scenario with tiny settings
# ('all --smoke'), stop the server with SIGTERM. Fails on any failed run, any lost message, or an unclean server stop.
# It asserts that the runs complete and deliver every message, never a timing.
#
#   bench/smoke.sh [--no-build]        (SMOKE_JSON=FILE keeps the JSON results)
#
# Larger runs (bench/run.sh) need more file descriptors than the default 1024 for 10,000 connections: raise
# 'ulimit -n' in the shell that starts the server; the generator's .NET runtime raises its own soft limit to the hard one.
set -euo pipefail

cd "$(dirname "$0")/.."
started=$(date +%s)
build=1
[[ "${1:-}" == "--no-build" ]] && build=0

# Builds share the machine with other builds: take the lock where there is one to take.
lock=()
command -v flock >/dev/null && lock=(flock /tmp/dotnet-build.lock)

if (( build )); then
    "${lock[@]}" dotnet build src/Switchboard -c Release -nologo -v quiet
    "${lock[@]}" dotnet build bench/Switchboard.Bench -c Release -nologo -v quiet
fi

server_dll=src/Switchboard/bin/Release/net10.0/switchboard.dll
bench_dll=bench/Switchboard.Bench/bin/Release/net10.0/switchboard-bench.dll
work=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-smoke.XXXXXX")
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# The seed's usage plan throttles keys to 100 requests/s; the REST scenario needs a key on a plan without limits.
dotnet "$server_dll" init --output "$work/switchboard.json" >/dev/null
sed -i 's/"usagePlans": \[/"usagePlans": [\n    { "name": "bench" },/' "$work/switchboard.json"
key=$(dotnet "$server_dll" keys create --name bench --plan bench --config "$work/switchboard.json" --data-dir "$work/data")
# @connections calls are signed (SigV4): the generator signs with a credential made here (AWS_* variables).
credential=$(dotnet "$server_dll" credentials create --name bench --data-dir "$work/data")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
AWS_ACCESS_KEY_ID=$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' <<<"$credential")
AWS_SECRET_ACCESS_KEY=$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' <<<"$credential")

# Port 0: the server picks a free port and prints it.
dotnet "$server_dll" serve --urls http://127.0.0.1:0 --config "$work/switchboard.json" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 200); do
    port=$(sed -n 's#^Switchboard listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$work/server.log" | head -n 1)
    [[ -n "$port" ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "smoke: the server exited during start:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$port" ]]; then
    echo "smoke: the server did not report its address within 20 s:" >&2
    cat "$work/server.log" >&2
    exit 1
fi

status=0
dotnet "$bench_dll" all --smoke --target switchboard --url "ws://127.0.0.1:$port/dev" \
    --api-key "$key" --server-pid "$server_pid" --json "$work/results.jsonl" || status=$?

# A clean stop (the README): SIGTERM, exit 0 within 30 s.
if kill -TERM "$server_pid" 2>/dev/null; then
    for _ in $(seq 1 300); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
        echo "smoke: the server did not stop within 30 s of SIGTERM" >&2
        status=1
    else
        server_status=0
        wait "$server_pid" || server_status=$?
        server_pid=""
        if (( server_status != 0 )); then
            echo "smoke: the server exited with $server_status after SIGTERM" >&2
            status=1
        fi
    fi
else
    server_status=0
    wait "$server_pid" 2>/dev/null || server_status=$?
    server_pid=""
    echo "smoke: the server died during the run (exit status $server_status)" >&2
    status=1
fi

# SMOKE_JSON=FILE keeps the runs' JSON lines (e.g. as a CI artifact).
if [[ -n "${SMOKE_JSON:-}" && -f "$work/results.jsonl" ]]; then
    cp "$work/results.jsonl" "$SMOKE_JSON"
fi

if (( status != 0 )); then
    echo "smoke: the server's log ends:" >&2
    tail -n 40 "$work/server.log" >&2
fi
echo "smoke: $( (( status == 0 )) && echo passed || echo FAILED ) in $(( $(date +%s) - started )) s"
exit "$status"
