# Shared by run.sh and cases.sh (sourced, not run): the catalogue's patterns for ripgrep, and
# timing one command. Needs WORK, JAVA_OPTS, TS_JAR, ROOT and TIME set by the caller.

# ts_command: sets TS, the tokensweep command the scripts time. By default the launcher from the
# build tree (dist/target/tokensweep/bin/tokensweep), as a user runs it: its JVM options and its
# class-data-sharing archive (made here by one warm-up run), with JAVA_OPTS passed in
# TOKENSWEEP_JAVA_OPTS, and the caller's TOKENSWEEP_JAVA and TOKENSWEEP_VECTOR (the Vector API
# pass on a Java 25+) as they are. VIA=jar times `java $JAVA_OPTS -jar scanner/target/tokensweep.jar`.
ts_command() {
  local launcher=$ROOT/dist/target/tokensweep/bin/tokensweep
  if [ "${VIA:-launcher}" = launcher ] && [ -x "$launcher" ]; then
    TS=(env "TOKENSWEEP_JAVA_OPTS=$JAVA_OPTS" "$launcher")
    echo "warm-up" > "$WORK/warm-up.txt"
    "${TS[@]}" scan -q "$WORK/warm-up.txt" > /dev/null || true
    echo "tokensweep: the launcher, TOKENSWEEP_JAVA_OPTS=$JAVA_OPTS${TOKENSWEEP_JAVA:+, TOKENSWEEP_JAVA=$TOKENSWEEP_JAVA}${TOKENSWEEP_VECTOR:+, TOKENSWEEP_VECTOR=$TOKENSWEEP_VECTOR}"
  else
    TS=(java $JAVA_OPTS -jar "$TS_JAR")
    echo "tokensweep: java $JAVA_OPTS -jar $TS_JAR"
  fi
}

# rg_patterns: writes $WORK/patterns.ok.txt from the catalogue and sets HAVE_RG and RG (the
# ripgrep command line); patterns ripgrep rejects (a literal newline needs its multiline mode)
# are left out and counted.
rg_patterns() {
  java $JAVA_OPTS -jar "$TS_JAR" rules list --format json > "$WORK/rules.json"
  java -cp "$TS_JAR" "$ROOT/corpus/bench/RgPatterns.java" < "$WORK/rules.json" > "$WORK/patterns.txt"
  HAVE_RG=0
  if ! command -v rg > /dev/null; then
    echo "ripgrep not installed: tokensweep only"
    return
  fi
  HAVE_RG=1
  local dropped=0 p rc
  : > "$WORK/patterns.ok.txt"
  while IFS= read -r p; do
    rc=0
    rg --no-config -q --regex-size-limit 1G --dfa-size-limit 1G -e "$p" /dev/null 2> /dev/null || rc=$?
    if [ $rc -eq 2 ]; then
      dropped=$((dropped + 1))
    else
      printf '%s\n' "$p" >> "$WORK/patterns.ok.txt"
    fi
  done < "$WORK/patterns.txt"
  RG=(rg --no-config --no-ignore --hidden -c --regex-size-limit 1G --dfa-size-limit 1G -f "$WORK/patterns.ok.txt")
  echo "ripgrep $(rg --version | awk 'NR == 1 { print $2 }'): $(wc -l < "$WORK/patterns.ok.txt") patterns, $dropped it rejects left out"
}

# warm PATH: reads every file below PATH once, so the runs that follow all read from the page cache
# (the machine keeps only a few GB of it: five 1 GB cases do not stay cached together, and without
# this the first run of each case paid for the disk)
warm() {
  find "$1" -type f -print0 | xargs -0 cat > /dev/null
}

# measure NAME CMD...: runs CMD under /usr/bin/time -v, appends "NAME seconds maxrss_kb" to
# $WORK/times and prints the run; a command that exits other than 0 or 1 stops the script
measure() {
  local name=$1; shift
  local log=$WORK/time.log
  "$TIME" -v "$@" > /dev/null 2> "$log" || true # tokensweep exits 1 when it finds something
  if grep -q "Exit status: [^01]" "$log"; then
    echo "$(basename "$0"): $name failed:" >&2; tail -5 "$log" >&2; exit 1
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  echo "$name $wall $rss" >> "$WORK/times"
  printf '  %-18s %7.2f s  %6d MB peak RSS\n' "$name" "$wall" "$((rss / 1024))"
}

median() { awk -v n="$1" '$1==n {print $2}' "$WORK/times" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
peak() { awk -v n="$1" '$1==n && $3>m {m=$3} END {print int(m/1024)}' "$WORK/times"; }
