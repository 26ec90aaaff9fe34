#!/usr/bin/env bash
# Startup as a user meets it: a 1 KB scan through the launcher, median of N runs (default 10),
# with and without the class-data-sharing archive the launcher keeps, next to plain java -jar.
# The variants take turns in each round, so a change in the machine's load hits all of them alike;
# the CPU time (user + system) moves less with the load than the wall time. Prints the load too.
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

names=("launcher, class-data-sharing archive" "launcher, TOKENSWEEP_CDS=0 (the JDK's own)"
  "launcher, no class data sharing at all" "java -jar scanner/target/tokensweep.jar")
variant() {
  case $1 in
    0) "$launcher" scan --quiet "$work/1k.txt" ;;
    1) TOKENSWEEP_CDS=0 "$launcher" scan --quiet "$work/1k.txt" ;;
    2) TOKENSWEEP_CDS=0 TOKENSWEEP_JAVA_OPTS=-Xshare:off "$launcher" scan --quiet "$work/1k.txt" ;;
    3) java -jar scanner/target/tokensweep.jar scan --quiet "$work/1k.txt" ;;
  esac
}

variant 0 > /dev/null 2>&1 || true   # the first scan writes the archive
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq "$n"); do
  for v in 0 1 2 3; do
    /usr/bin/time -f '%e %U %S' -o "$work/t" bash -c "$(declare -f variant); launcher='$launcher' work='$work' variant $v" \
      > /dev/null 2>&1 || true
    tail -n 1 "$work/t" >> "$work/times.$v"
  done
done
echo "load average: $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(nproc) cores; $n rounds"
for v in 0 1 2 3; do
  printf '%-45s %5s ms wall, %5s ms cpu\n' "${names[$v]}:" "$(awk '{ print $1 * 1000 }' "$work/times.$v" | median)" \
    "$(awk '{ print ($2 + $3) * 1000 }' "$work/times.$v" | median)"
done
