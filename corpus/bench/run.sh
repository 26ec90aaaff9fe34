#!/usr/bin/env bash
# Whole-process benchmark: tokensweep against ripgrep on a generated 1 GB log corpus.
#
#   corpus/bench/run.sh [WORKDIR]        (default WORKDIR: ${TMPDIR:-/tmp}/tokensweep-bench)
#
# Environment: RUNS (default 5), SIZE (1GB), FILES (files in the directory corpus, 64),
# JAVA_OPTS (-Xmx256m; every tokensweep run gets it), THREADS (all cores for the directory), VIA
# (launcher: the build tree's bin/tokensweep as users run it; jar: java JAVA_OPTS -jar).
# Generates the corpus once (same seed, same bytes), then alternates, RUNS times:
#   tokensweep --threads 1 on the single file, rg -j1 on it, tokensweep with all cores on the
#   single file (read in parts), tokensweep on the directory with one thread and with all cores,
#   rg on the directory; prints each run, the medians, MB/s, the ratios and the peak RSS (/usr/bin/time -v). Last, a detection check: precision and recall of this build
#   on a small labelled corpus (compare with the figure before a change).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-${TMPDIR:-/tmp}/tokensweep-bench}
RUNS=${RUNS:-5}
SIZE=${SIZE:-1GB}
FILES=${FILES:-64}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
THREADS=${THREADS:-$(nproc)}
TS_JAR=$ROOT/scanner/target/tokensweep.jar
CORPUS_JAR=$ROOT/corpus/target/tokensweep-corpus.jar
TIME=/usr/bin/time

[ -x "$TIME" ] || { echo "run.sh: needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
if [ ! -f "$TS_JAR" ] || [ ! -f "$CORPUS_JAR" ] || [ ! -x "$ROOT/dist/target/tokensweep/bin/tokensweep" ]; then
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
mkdir -p "$WORK"

gen() { # DIR ARGS...
  local dir=$1; shift
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    java -jar "$CORPUS_JAR" generate --profile logs --seed 1 --size "$SIZE" --out "$dir" --labels "$dir.labels.jsonl" "$@" >&2
    touch "$dir/.complete"
  fi
}
gen "$WORK/one" --files 1
gen "$WORK/many" --files "$FILES"
ONE=$(ls "$WORK"/one/*.log)
BYTES_ONE=$(stat -c %s "$ONE")
BYTES_MANY=$(find "$WORK/many" -name '*.log' -printf '%s\n' | awk '{s+=$1} END {print s}')

# the rule catalogue's own patterns, for ripgrep
source "$ROOT/corpus/bench/lib.sh"
rg_patterns
ts_command


: > "$WORK/times"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); corpus $BYTES_ONE bytes in 1 file, $BYTES_MANY in $FILES files"
for i in $(seq 1 "$RUNS"); do
  echo "run $i"
  warm "$ONE"
  measure ts-one "${TS[@]}" scan -q --threads 1 --format jsonl -o /dev/null "$ONE"
  if [ $HAVE_RG = 1 ]; then measure rg-one "${RG[@]}" -j1 "$ONE"; fi
  measure ts-parts "${TS[@]}" scan -q --threads "$THREADS" --format jsonl -o /dev/null "$ONE"
  warm "$WORK/many"
  measure ts-dir-1 "${TS[@]}" scan -q --threads 1 --format jsonl -o /dev/null "$WORK/many"
  measure ts-dir "${TS[@]}" scan -q --threads "$THREADS" --format jsonl -o /dev/null "$WORK/many"
  if [ $HAVE_RG = 1 ]; then measure rg-dir "${RG[@]}" -j "$THREADS" "$WORK/many"; fi
done

echo
echo "medians of $RUNS alternating runs (wall clock, whole process; MB = 10^6 bytes):"
for n in ts-one rg-one ts-parts ts-dir-1 ts-dir rg-dir; do
  grep -q "^$n " "$WORK/times" || continue
  m=$(median $n)
  b=$BYTES_ONE; case $n in *dir*) b=$BYTES_MANY;; esac
  printf '  %-8s %7.2f s  %7.0f MB/s  peak RSS %d MB\n' "$n" "$m" "$(awk -v b=$b -v s=$m 'BEGIN{print b/1e6/s}')" "$(peak $n)"
done
if [ $HAVE_RG = 1 ]; then
  awk -v a="$(median rg-one)" -v b="$(median ts-one)" 'BEGIN {printf "  one file, one thread: tokensweep/ripgrep speed ratio %.2f\n", a/b}'
  awk -v a="$(median rg-dir)" -v b="$(median ts-dir)" 'BEGIN {printf "  directory, all cores: tokensweep/ripgrep speed ratio %.2f\n", a/b}'
fi
awk -v one="$(median ts-dir-1)" -v dir="$(median ts-dir)" \
  'BEGIN {printf "  tokensweep all cores over the directory / one thread over it: %.2fx\n", one/dir}'
awk -v one="$(median ts-one)" -v dir="$(median ts-dir)" -v b1=$BYTES_ONE -v b2=$BYTES_MANY \
  'BEGIN {printf "  tokensweep all cores over the directory / one thread on the file: %.2fx\n", (b2/dir)/(b1/one)}'
awk -v one="$(median ts-one)" -v parts="$(median ts-parts)" \
  'BEGIN {printf "  tokensweep all cores on the file (read in parts) / one thread on it: %.2fx\n", one/parts}'

# detection unchanged: precision and recall on a small labelled corpus
SMALL=$WORK/labelled
if [ ! -f "$SMALL/.complete" ]; then
  rm -rf "$SMALL"
  java -jar "$CORPUS_JAR" generate --seed 1 --size 8MB --out "$SMALL" >&2
  touch "$SMALL/.complete"
fi
"${TS[@]}" scan -q --now 2026-11-02T12:00:00Z --format jsonl -o "$WORK/labelled.jsonl" "$SMALL" || true
echo
echo "detection (8 MB labelled corpus, seed 1):"
java -jar "$CORPUS_JAR" evaluate --labels "$SMALL/labels.jsonl" --findings "$WORK/labelled.jsonl" | sed -n '2p'
java -jar "$CORPUS_JAR" evaluate --capabilities detect --labels "$SMALL/labels.jsonl" --findings "$WORK/labelled.jsonl" | sed -n '2p'
