#!/usr/bin/env bash
# Whole-process benchmark of the logs responders point tokensweep at (issue 16), against ripgrep
# running the catalogue's own patterns:
#
#   corpus/bench/cases.sh [WORKDIR]      (default WORKDIR: ${TMPDIR:-/tmp}/tokensweep-cases)
#
# Environment: RUNS (default 3), SIZE (each log, default 1GB), SMALL_FILES (20000), JAVA_OPTS
# (-Xmx256m), THREADS (all cores), CASES (default: all of request fresh repeat telemetry small),
# VIA (launcher: the build tree's bin/tokensweep as users run it, the default; jar: java -jar),
# SCAN_ARGS (more scan options for every tokensweep run, split on spaces; SCAN_ARGS='--decode-depth 0'
# times a scan that leaves encoded text alone).
# Generates once (fixed seed), then alternates, RUNS times, per case: tokensweep with one thread,
# tokensweep with all cores, ripgrep with one thread; prints each run, then per case the medians,
# MB/s, the tokensweep/ripgrep speed ratio, the all-cores/one-thread speed-up and the peak RSS.
#   request   keyword-rich gateway request log (token, auth, session, refresh, scope on most lines), no token
#   fresh     the same, one line in about 100 with a fresh token
#   repeat    the same, one line in about 20 with one of 50 tokens that repeat
#   telemetry JSON lines of application logs, a token every 1 MB
#   small     a directory of SMALL_FILES small logs (SIZE / 5 in all)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-${TMPDIR:-/tmp}/tokensweep-cases}
RUNS=${RUNS:-3}
SIZE=${SIZE:-1GB}
SMALL_FILES=${SMALL_FILES:-20000}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
THREADS=${THREADS:-$(nproc)}
CASES=${CASES:-request fresh repeat telemetry small}
SCAN_ARGS=${SCAN_ARGS:-}
TS_JAR=$ROOT/scanner/target/tokensweep.jar
CORPUS_JAR=$ROOT/corpus/target/tokensweep-corpus.jar
TIME=/usr/bin/time

[ -x "$TIME" ] || { echo "cases.sh: needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
if [ ! -f "$TS_JAR" ] || [ ! -f "$CORPUS_JAR" ] || [ ! -x "$ROOT/dist/target/tokensweep/bin/tokensweep" ]; then
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
mkdir -p "$WORK"

bytes_of() { # a size like 1GB in bytes
  awk -v s="$1" 'BEGIN { u=toupper(s); m=1; if (u ~ /GB$/) m=2^30; else if (u ~ /MB$/) m=2^20; else if (u ~ /KB$/) m=2^10;
    sub(/[A-Za-z]+$/, "", u); printf "%d", u*m }'
}

gen() { # CASE: generates $WORK/CASE once
  local c=$1 dir=$WORK/$1
  [ -f "$dir/.complete" ] && return
  rm -rf "$dir"
  local args=(--profile logs --seed 1 --out "$dir" --labels "$dir.labels.jsonl")
  case $c in
    # a request line is about 230 bytes: a token every 23 KB is one line in 100, every 4.6 KB one in 20
    request) args+=(--size "$SIZE" --requests --token-every 0) ;;
    fresh) args+=(--size "$SIZE" --requests --token-every 23KB) ;;
    repeat) args+=(--size "$SIZE" --requests --token-every 4600 --token-pool 50) ;;
    telemetry) args+=(--size "$SIZE" --json --token-every 1MB) ;;
    small) args+=(--size "$(( $(bytes_of "$SIZE") / 5 ))" --files "$SMALL_FILES") ;;
    *) echo "cases.sh: unknown case $c" >&2; exit 2 ;;
  esac
  java -jar "$CORPUS_JAR" generate "${args[@]}" >&2
  touch "$dir/.complete"
}

for c in $CASES; do gen "$c"; done

# the rule catalogue's own patterns, for ripgrep
source "$ROOT/corpus/bench/lib.sh"
rg_patterns
ts_command


: > "$WORK/times"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$SCAN_ARGS" ] || echo "tokensweep scan options added: $SCAN_ARGS"
for i in $(seq 1 "$RUNS"); do
  echo "run $i"
  for c in $CASES; do
    target=$WORK/$c
    warm "$target"
    measure "$c/ts-1" "${TS[@]}" scan -q $SCAN_ARGS --threads 1 --format jsonl -o /dev/null "$target"
    measure "$c/ts-$THREADS" "${TS[@]}" scan -q $SCAN_ARGS --threads "$THREADS" --format jsonl -o /dev/null "$target"
    if [ $HAVE_RG = 1 ]; then measure "$c/rg-1" "${RG[@]}" -j1 "$target"; fi
  done
done

echo
echo "medians of $RUNS alternating runs (wall clock, whole process, $JAVA_OPTS; MB = 10^6 bytes):"
printf '  %-10s %10s %8s %10s %8s %8s %9s %9s %9s\n' case bytes ts-1 MB/s "ts-$THREADS" rg-1 "ts/rg" "$THREADS/1" "peak RSS"
for c in $CASES; do
  b=$(du -sb --exclude=.complete "$WORK/$c" | cut -f1)
  one=$(median "$c/ts-1"); all=$(median "$c/ts-$THREADS")
  rg=$( [ $HAVE_RG = 1 ] && median "$c/rg-1" || echo 0)
  rss=$(peak "$c/ts-1"); rss2=$(peak "$c/ts-$THREADS"); [ "$rss2" -gt "$rss" ] && rss=$rss2
  awk -v c="$c" -v b="$b" -v one="$one" -v all="$all" -v rg="$rg" -v rss="$rss" 'BEGIN {
    printf "  %-10s %10d %7.2fs %10.0f %7.2fs %7.2fs %9s %8.2fx %7d MB\n", c, b, one, b/1e6/one, all, rg,
      (rg > 0 ? sprintf("%.2f", rg/one) : "-"), one/all, rss }'
done
echo "  (ts/rg: ripgrep's time over tokensweep's, one thread each: above 1.00 tokensweep is faster)"
