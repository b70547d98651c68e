#!/usr/bin/env bash
# make loadtest: the ingest target of DESIGN.md measured on the real binary.
# Builds consentry, serves the demo on a fresh SQLite file in a temp folder,
# then in one run: wrk -t2 -c64 POSTing valid consents, wrk -t2 -c64 on
# /healthz, and paced posts at 5k/s for the p99. Prints both rates, their
# ratio and the latency percentiles. Everything goes to loopback only and
# stops by itself; the server is stopped on exit.
#   DURATION=10s  length of each wrk run     RATE=5000  paced posts per second
#   PACE=5s       length of the paced run    BIN=...    a prebuilt binary to test
#   RATE_LIMIT=0  the server's --rate-limit (0: off; a high one measures its cost)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
RATE=${RATE:-5000}
PACE=${PACE:-5s}
RATE_LIMIT=${RATE_LIMIT:-0}
command -v wrk >/dev/null || { echo "loadtest needs wrk (apt-get install -y wrk)" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
if [ -z "${BIN:-}" ]; then
  BIN=$tmp/consentry
  go build -o "$BIN" ./cmd/consentry
fi
go build -o "$tmp/pace" ./internal/loadtest/pace
: >"$tmp/out" # before the server starts: the loop below reads it at once
"$BIN" serve --demo --addr 127.0.0.1:0 --db "sqlite:$tmp/load.db" --rate-limit "$RATE_LIMIT" >"$tmp/out" 2>"$tmp/err" &
pid=$!
base=
for _ in $(seq 100); do
  base=$(sed -n 's/^Consentry is listening on \(http:[^ ]*\).*/\1/p' "$tmp/out")
  [ -n "$base" ] && curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  base=
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start:" >&2; cat "$tmp/err" >&2; exit 1; }
url=$base/api/v1/sites/demo/consents

wrk -t2 -c64 -d2s -s internal/loadtest/consents.lua "$url" >/dev/null # warm up
wrk -t2 -c64 -d"$DURATION" --latency -s internal/loadtest/consents.lua "$url" >"$tmp/consents"
wrk -t2 -c64 -d"$DURATION" --latency "$base/healthz" >"$tmp/healthz"
"$tmp/pace" -url "$url" -rate "$RATE" -d "$PACE" >"$tmp/pace.out" || true

rate() { awk '/^Requests\/sec/ {print $2}' "$1"; }
pcts() { awk '/Latency Distribution/ {on=1; next} on && /%/ {printf "%s %s  ", $1, $2} on && !/%/ {on=0}' "$1"; }
bad() { awk '/Non-2xx/ {print $NF; f=1} END {if (!f) print 0}' "$1"; }
c=$(rate "$tmp/consents"); h=$(rate "$tmp/healthz")
echo "consents: $c req/s  (not 201: $(bad "$tmp/consents"))  latency $(pcts "$tmp/consents")"
echo "healthz:  $h req/s  latency $(pcts "$tmp/healthz")"
awk -v c="$c" -v h="$h" 'BEGIN {printf "ratio:    %.3f (consents/healthz; target >= 0.35)\n", c/h}'
echo "at ${RATE}/s: $(cat "$tmp/pace.out")"
[ "$(bad "$tmp/consents")" = 0 ] && grep -q ', 0 not 201' "$tmp/pace.out"
