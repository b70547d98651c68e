#!/usr/bin/env bash
# make loadtest-instances: DESIGN.md's "on PostgreSQL, two instances >= one
# instance's rate", on the real binary. Builds consentry, makes one key set
# and a fresh schema in the database CONSENTRY_TEST_POSTGRES_URL names, then
# in ROUNDS rounds alternates one instance under wrk -t2 -cCONNS with two
# instances under wrk -t1 -c(CONNS/2) each (the same load generator and the
# same connections in total). For each run it prints consents/s (all
# answers must be 201), the slowest instance's p99, the mean ledger batch
# of each instance (from /metrics), the ledger transactions all instances
# committed a second over the run (the head's lock lets one commit at a
# time), and where the machine's CPU went over the run: seconds used by
# the consentry processes, by PostgreSQL (every process of its user), by
# everything else (wrk, and whatever else runs on the machine), and idle,
# out of wall time x cores. Before each run the
# ledger's tables are vacuumed and a checkpoint is made (settle). Everything
# runs on loopback; servers and schema go away on exit.
#   DURATION=10s  each run     ROUNDS=2  pairs of runs     BIN=...  a prebuilt binary
#   RATE_LIMIT=0  each instance's --rate-limit (0: off; a high one measures its cost)
#   CONNS=64      wrk's connections in all (even): a closed loop, so they bound the
#                 events one commit can carry; more of them find each setup's capacity
#   CPUS=         each instance's CPU limit, like a container's (0.5: half a core), in a
#                 cgroup of its own (root, cgroup v1 cpu or v2 cpu.max): instances with
#                 cores of their own, as on separate machines, on one machine that also
#                 runs PostgreSQL and the load generator. Empty: no limit, the machine's
#                 cores shared by all.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
RATE_LIMIT=${RATE_LIMIT:-0}
CONNS=${CONNS:-64}
CPUS=${CPUS:-}
DB=${CONSENTRY_TEST_POSTGRES_URL:?"set CONSENTRY_TEST_POSTGRES_URL (see .ci/postgres)"}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }
command -v psql >/dev/null || { echo "needs psql" >&2; exit 1; }
tmp=$(mktemp -d)
schema=loadtest_$$
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; pids=(); }
cleanup() { stop; uncage; psql -q "$DB" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
if [ -z "${BIN:-}" ]; then
  BIN=$tmp/consentry
  go build -o "$BIN" ./cmd/consentry
fi
psql -q "$DB" -c "CREATE SCHEMA $schema"
case $DB in *\?*) url="$DB&search_path=$schema" ;; *) url="$DB?search_path=$schema" ;; esac
eval "$("$BIN" keys generate | sed 's/^/export /')"

# cage I: sets dir to the cgroup directory instance I runs in, made with
# CPUS' limit (cgroup v2's cpu.max, else v1's cpu controller), or to
# nothing without CPUS.
cages=()
cage() {
  dir=
  [ -n "$CPUS" ] || return 0
  local quota
  quota=$(awk -v c="$CPUS" 'BEGIN {printf "%d", c * 100000}')
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    dir=/sys/fs/cgroup/consentry-loadtest-$$-$1
    mkdir -p "$dir" && echo "$quota 100000" >"$dir/cpu.max"
  else
    dir=/sys/fs/cgroup/cpu/consentry-loadtest-$$-$1
    mkdir -p "$dir" && echo 100000 >"$dir/cpu.cfs_period_us" && echo "$quota" >"$dir/cpu.cfs_quota_us"
  fi || { echo "CPUS needs a writable cgroup (run as root)" >&2; exit 1; }
  cages+=("$dir")
}
uncage() { local d; for d in "${cages[@]}"; do rmdir "$d" 2>/dev/null || true; done; cages=(); }

# start N: N instances on the schema, the first seeding the demo site, each
# in its own cgroup when CPUS is set (it joins it before it starts, so Go
# sizes GOMAXPROCS to the limit, as in a container).
bases=()
start() {
  bases=()
  for i in $(seq "$1"); do
    demo=; [ "$i" = 1 ] && demo=--demo
    : >"$tmp/out$i" # before the server starts: the loop below reads it at once
    cage "$i"
    (
      [ -z "$dir" ] || echo "$BASHPID" >"$dir/cgroup.procs"
      exec "$BIN" serve $demo --addr 127.0.0.1:0 --db "$url" --rate-limit "$RATE_LIMIT" >"$tmp/out$i" 2>"$tmp/err$i"
    ) &
    pids+=($!)
    base=
    for _ in $(seq 200); do
      base=$(sed -n 's/^Consentry is listening on \(http:[^ ]*\).*/\1/p' "$tmp/out$i")
      [ -n "$base" ] && curl -fsS "$base/readyz" >/dev/null 2>&1 && break
      base=
      sleep 0.1
    done
    [ -n "$base" ] || { echo "instance $i did not start:" >&2; cat "$tmp/err$i" >&2; exit 1; }
    bases+=("$base")
  done
}

# cpu PID...: CPU seconds (user + system) the processes have used so far.
cpu() {
  local ticks=0 p f
  for p in "$@"; do
    f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    f=${f##*) }
    set -- $f
    ticks=$((ticks + ${12} + ${13}))
  done
  echo "$ticks"
}
pgpids() { pgrep -u postgres | tr '\n' ' '; }
machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; } # busy, idle ticks
batch() { # mean batch size of the instance at $1 since its start
  curl -fsS "$1/metrics" | awk '/^consentry_writer_batch_size_sum/ {s=$2} /^consentry_writer_batch_size_count/ {c=$2} END {if (c) printf "%.0f", s/c; else print "-"}'
}
commits() { # ledger transactions committed so far by all instances
  local b n=0
  for b in "${bases[@]}"; do
    n=$((n + $(curl -fsS "$b/metrics" | awk '/^consentry_writer_batch_size_count/ {print $2; f=1} END {if (!f) print 0}')))
  done
  echo "$n"
}

# settle: every run starts from the same state of the database, so that no
# run pays for the one before it: the ledger's tables vacuumed and analyzed
# (autovacuum would otherwise start on them at random during some run) and a
# checkpoint just made (one falls every 1 GB of WAL, about every second run,
# and the pages first written after it go to the WAL whole).
settle() {
  PGOPTIONS="-c search_path=$schema" psql -q "$DB" -c "VACUUM (ANALYZE) events, requests, daily, days, ledger_head" >/dev/null
  if [ -z "$checkpoints" ]; then :
  elif ! psql -q "$DB" -c CHECKPOINT >/dev/null 2>"$tmp/checkpoint"; then
    echo "note: no CHECKPOINT before each run ($(head -n1 "$tmp/checkpoint")); grant pg_checkpoint to this role (.ci/postgres does) for steadier runs" >&2
    checkpoints=
  fi
}
checkpoints=1

hz=$(getconf CLK_TCK)
rates=() ratios=
cores=$(nproc)
printf "%-3s %10s %8s %-18s %-8s %9s %9s %9s %9s %9s %12s\n" n consents/s non-201 "p99" "batch" "commits/s" "cpu app" "cpu pg" "cpu other" "cpu idle" "µs/consent"
for round in $(seq "$ROUNDS"); do
  for n in 1 2; do
    start "$n"
    for b in "${bases[@]}"; do # warm up: connections, statements, caches
      wrk -t1 -c$((CONNS / n)) -d2s -s internal/loadtest/consents.lua "$b/api/v1/sites/demo/consents" >/dev/null
    done
    settle
    c0=$(commits)
    app0=$(cpu "${pids[@]}") pg0=$(cpu $(pgpids)) t0=$(date +%s.%N)
    read -r busy0 idle0 < <(machine)
    wrks=()
    for i in $(seq "$n"); do
      wrk -t$((2 / n)) -c$((CONNS / n)) -d"$DURATION" --latency -s internal/loadtest/consents.lua \
        "${bases[$((i - 1))]}/api/v1/sites/demo/consents" >"$tmp/wrk$i" &
      wrks+=($!)
    done
    wait "${wrks[@]}"
    t1=$(date +%s.%N)
    read -r busy1 idle1 < <(machine)
    app1=$(cpu "${pids[@]}") pg1=$(cpu $(pgpids))
    c1=$(commits)
    rate=0 bad=0 p99=0 batches= reqs=0
    for i in $(seq "$n"); do
      r=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk$i")
      rate=$(awk -v a="$rate" -v b="$r" 'BEGIN {print a + b}')
      reqs=$((reqs + $(awk '/requests in/ {print $1}' "$tmp/wrk$i")))
      bad=$((bad + $(awk '/Non-2xx/ {print $NF; f=1} END {if (!f) print 0}' "$tmp/wrk$i")))
      p=$(awk '/ 99%/ {print $2}' "$tmp/wrk$i")
      p99="$p99 $p"
      batches="$batches$(batch "${bases[$((i - 1))]}")/"
    done
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
    awk -v n="$n" -v reqs="$reqs" -v rate="$rate" -v bad="$bad" -v p99="$p99" -v bt="${batches%/}" -v hz="$hz" -v wall="$wall" -v cores="$cores" -v commits=$((c1 - c0)) \
      -v app=$((app1 - app0)) -v pg=$((pg1 - pg0)) -v busy=$((busy1 - busy0)) -v idle=$((idle1 - idle0)) 'BEGIN {
        split(p99, ps, " "); worst = ""; for (i in ps) if (ps[i] != "0") worst = worst (worst == "" ? "" : "/") ps[i]
        printf "%-3d %10.0f %8d %-18s %-8s %9.0f %8.1fs %8.1fs %8.1fs %8.1fs %12.0f  of %.1fs\n", n, rate, bad, worst, bt, commits / wall,
          app / hz, pg / hz, (busy - app - pg) / hz, idle / hz, (app + pg) / hz / reqs * 1e6, wall * cores }'
    rates[$n]=$rate
    stop
  done
  ratios="$ratios $(awk -v a="${rates[1]}" -v b="${rates[2]}" 'BEGIN {printf "%.2f", b / a}')"
done
echo "two instances ÷ one, pair by pair (target ≥ 1):$ratios"
echo "p99 per instance; batch: mean events per ledger transaction per instance; commits/s: ledger transactions a second, all instances together; cpu other: wrk and anything else"
echo "running; µs/consent: CPU time of consentry and PostgreSQL per consent recorded"
