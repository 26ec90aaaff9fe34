#!/usr/bin/env bash
# Startup as a user meets it: a 1 KB scan through the launcher, median of N runs (default 10),
# without and with the class-data-sharing archive the launcher keeps, next to plain java -jar.
# Prints the machine's load too: on a shared machine the figures move with it.
#
#   dist/startup.sh [LAUNCHER]     # default: dist/target/tokensweep/bin/tokensweep (built by mvn package)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=${1:-dist/target/tokensweep/bin/tokensweep}
n=${N:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 1024 corpus/samples/bash_history > "$work/1k.txt"

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# "WALL ms wall, CPU ms cpu": medians of the wall time and of user+system CPU time (the CPU time
# moves less with the machine's load)
runs() {
  local i
  : > "$work/times"
  for i in $(seq "$n"); do
    /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" > /dev/null 2>&1 || true
    tail -n 1 "$work/t" >> "$work/times"
  done
  echo "$(awk '{ print $1 * 1000 }' "$work/times" | median) ms wall, $(awk '{ print ($2 + $3) * 1000 }' "$work/times" | median) ms cpu"
}

"$launcher" scan --quiet "$work/1k.txt" > /dev/null 2>&1 || true   # the first scan writes the archive
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "launcher, class-data-sharing archive:    $(runs "$launcher" scan --quiet "$work/1k.txt")"
echo "launcher, TOKENSWEEP_CDS=0 (JDK's own):  $(TOKENSWEEP_CDS=0 runs "$launcher" scan --quiet "$work/1k.txt")"
echo "launcher, no class data sharing at all:  $(TOKENSWEEP_CDS=0 TOKENSWEEP_JAVA_OPTS=-Xshare:off runs "$launcher" scan --quiet "$work/1k.txt")"
echo "java -jar scanner/target/tokensweep.jar: $(runs java -jar scanner/target/tokensweep.jar scan --quiet "$work/1k.txt")"
