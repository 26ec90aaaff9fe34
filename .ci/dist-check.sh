#!/usr/bin/env bash
# Install and packaging (issue 17), after `mvn -B -ntp verify`: what a new user does with the build.
#   - the tarball unpacks and scans the samples on a PATH with no Java, through a symlink, from
#     another directory, and writes its class-data-sharing archive;
#   - the .deb lists what it should, installs into a scratch root (dpkg --root, maintainer scripts
#     included), runs there with no Java on PATH, and removes cleanly;
#   - the launcher runs the jar on the system's Java 17 (and on a JDK 19+ where one is installed);
#   - SARIF of one and of several roots passes the SARIF Multitool's GitHub rules.
# Every run must report exactly what `java -jar scanner/target/tokensweep.jar` reports.
# Usage: .ci/dist-check.sh [SARIF_MULTITOOL]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)
multitool=${1:-}
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() {
  echo "dist-check: FAIL: $*" >&2
  exit 1
}
pass() {
  echo "dist-check: ok: $*"
  passed=$((passed + 1))
}
passed=0
now=2026-11-02T12:00:00Z
samples=$repo/corpus/samples

# the reference: the jar on the build's Java
set +e
java -jar scanner/target/tokensweep.jar scan --format csv --now "$now" --no-progress "$samples" > "$work/expected.csv"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "the jar's scan of the samples exited $rc, not 1"
[ "$(wc -l < "$work/expected.csv")" -gt 10 ] || fail "the jar found almost nothing in the samples"

# a PATH with no java, and only the tools the launcher runs on its common path (it asks java
# -version, through sed and head, only of a runtime with no release file: those are in $more)
tools=$work/tools
more=$work/more-tools
mkdir -p "$tools" "$more"
for t in sh cksum ls readlink mkdir mv rm cat; do
  ln -s "$(command -v "$t")" "$tools/$t"
done
for t in sed head; do
  ln -s "$(command -v "$t")" "$more/$t"
done
nojava() {
  env -i HOME="$work/home" PATH="$tools" "$@"
}
nojava sh -c 'command -v java' >/dev/null 2>&1 && fail "the no-Java PATH has a java"

# runs "$@" (a launcher and its arguments) from another directory and compares with the jar
same_as_jar() {
  local what=$1
  shift
  mkdir -p "$work/elsewhere"
  set +e
  (cd "$work/elsewhere" && "$@" scan --format csv --now "$now" --no-progress "$samples" > "$work/actual.csv")
  local rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "$what: scan exited $rc, not 1"
  cmp -s "$work/expected.csv" "$work/actual.csv" || fail "$what: report differs from the jar's"
}

# ---- the tarball -------------------------------------------------------------------------------
tarball=$(ls dist/target/tokensweep-*-linux-x64.tar.gz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || fail "no tarball in dist/target"
mkdir -p "$work/opt" "$work/bin" "$work/home"
tar xzf "$tarball" -C "$work/opt"
image=$(ls -d "$work"/opt/tokensweep-*)
[ -x "$image/runtime/bin/java" ] || fail "the tarball has no bundled runtime"
[ -f "$image/LICENSE" ] || fail "the tarball has no LICENSE"
ln -s "$image/bin/tokensweep" "$tools/tokensweep"
same_as_jar "tarball, no Java on PATH, through a symlink" nojava tokensweep
ls "$image"/lib/tokensweep-17-*.jsa >/dev/null 2>&1 || fail "the first scan wrote no class-data-sharing archive"
same_as_jar "tarball, second run with the archive" nojava tokensweep
version=$(nojava tokensweep --version)
grep -q "commit " <<<"$version" || fail "--version names no commit: $version"
grep -q "$image/runtime" <<<"$version" || fail "the tarball did not run on its own runtime: $version"
# the network commands run on the bundled runtime too (java.net.http and TLS are in it): a fleet
# query to a port nobody listens on is "cluster unreachable" (exit 5), not a missing class (exit 4)
set +e
fleet_out=$(nojava tokensweep fleet --opensearch http://127.0.0.1:9 stale --days 1 2>&1)
fleet_rc=$?
set -e
[ "$fleet_rc" -eq 5 ] || fail "tarball: a fleet query exited $fleet_rc, not 5 (cluster unreachable): $fleet_out"
nojava "$image/runtime/bin/java" --list-modules | grep -q '^jdk.crypto.ec' || fail "the tarball's runtime has no jdk.crypto.ec (TLS)"
pass "tarball $(basename "$tarball") ($(du -m "$tarball" | cut -f1) MiB) scans the samples with no Java on PATH"

# an install the user cannot write to uses the archive made beside the jar, else keeps its own in
# the user's cache (CI runs as root, for whom nothing is read-only: those runs are then as nobody)
rm -f "$tools/tokensweep"
ro=$work/ro
cp -rp "$image" "$ro"
rm -f "$ro"/lib/*.jsa
ln -s "$ro/bin/tokensweep" "$work/bin/ts"
as_user=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null 2>&1; then
    as_user=("$(command -v setpriv)" --reuid=nobody --regid=nogroup --clear-groups)
    chmod 755 "$work"
    mkdir -p "$work/cache" "$work/cache2" "$work/elsewhere"
    chmod 777 "$work/cache" "$work/cache2" "$work/elsewhere"
  else
    ro=
  fi
fi
if [ -n "$ro" ]; then
  chmod -R a-w "$ro/lib"
  same_as_jar "install not writable by the user" nojava XDG_CACHE_HOME="$work/cache" ${as_user[@]+"${as_user[@]}"} "$work/bin/ts"
  ls "$work"/cache/tokensweep/tokensweep-17-*.jsa >/dev/null 2>&1 || fail "a read-only install kept no archive in the cache"
  chmod -R u+w "$ro/lib"
  ls "$image"/lib/tokensweep-17-*.jsa >/dev/null 2>&1 || fail "the first run left no archive beside the jar"
  chmod -R a-w "$image/lib"
  ln -s "$image/bin/tokensweep" "$work/bin/ts-made"
  same_as_jar "read-only install with an archive" nojava XDG_CACHE_HOME="$work/cache2" ${as_user[@]+"${as_user[@]}"} "$work/bin/ts-made"
  ! ls "$work"/cache2/tokensweep/*.jsa >/dev/null 2>&1 || fail "a read-only install with an archive made another one"
  chmod -R u+w "$image/lib"
  pass "a read-only install uses the archive beside the jar, else keeps one in \$XDG_CACHE_HOME"
else
  echo "dist-check: SKIP: read-only install (root, and no setpriv to run as another user)"
fi

# ---- the launcher on the system's Java ---------------------------------------------------------
plain=$work/plain
cp -r dist/target/tokensweep "$plain"
rm -rf "$plain/runtime"
ln -s "$plain/bin/tokensweep" "$work/bin/tokensweep-plain"
jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
same_as_jar "launcher on $jdk17" env JAVA_HOME="$jdk17" PATH="$tools" "$work/bin/tokensweep-plain"
pass "launcher runs the jar on $jdk17 through a symlink from another directory"
for jdk in /usr/lib/jvm/temurin-2[0-9]*; do
  [ -x "$jdk/bin/java" ] || continue
  same_as_jar "launcher on $jdk" env TOKENSWEEP_JAVA="$jdk/bin/java" HOME="$work/home" PATH="$tools" \
    "$work/bin/tokensweep-plain"
  same_as_jar "launcher on $jdk, second run" env TOKENSWEEP_JAVA="$jdk/bin/java" HOME="$work/home" PATH="$tools" \
    "$work/bin/tokensweep-plain"
  ls "$plain"/lib/tokensweep-2[0-9]-*.jsa >/dev/null 2>&1 || fail "$jdk kept no auto-created archive"
  pass "launcher on $jdk keeps an auto-created archive"
  # an upgrade in place (a newer jar): the archive of the old one is made again, not left unused
  sleep 1
  touch "$plain/lib/tokensweep.jar"
  same_as_jar "launcher on $jdk after an upgrade" env TOKENSWEEP_JAVA="$jdk/bin/java" HOME="$work/home" PATH="$tools" \
    "$work/bin/tokensweep-plain"
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release")
  for a in "$plain"/lib/tokensweep-"$major"-*.jsa; do
    if [ "$plain/lib/tokensweep.jar" -nt "$a" ]; then fail "$jdk: an archive older than the jar is still there ($a)"; fi
  done
  pass "launcher on $jdk makes the archive again after an upgrade"
  # the Vector API pass, asked for: the module resolved (the JVM says so on stderr) and the same report
  same_as_jar "launcher on $jdk with TOKENSWEEP_VECTOR=1" env TOKENSWEEP_JAVA="$jdk/bin/java" TOKENSWEEP_VECTOR=1 \
    HOME="$work/home" PATH="$tools" "$work/bin/tokensweep-plain"
  env TOKENSWEEP_JAVA="$jdk/bin/java" TOKENSWEEP_VECTOR=1 HOME="$work/home" PATH="$tools" \
    "$work/bin/tokensweep-plain" scan -q --no-progress "$samples" > /dev/null 2> "$work/vector.err" || true
  grep -q 'jdk.incubator.vector' "$work/vector.err" || fail "$jdk: TOKENSWEEP_VECTOR=1 did not resolve the Vector API module"
  pass "launcher on $jdk with the Vector API pass gives the jar's report"
done
# an old Java is refused with a message, not a stack trace
mkdir -p "$work/oldjava/bin"
printf '#!/bin/sh\necho '"'"'openjdk version "11.0.2" 2019-01-15'"'"' >&2\n' > "$work/oldjava/bin/java"
chmod +x "$work/oldjava/bin/java"
set +e
msg=$(env TOKENSWEEP_JAVA="$work/oldjava/bin/java" PATH="$tools:$more" "$work/bin/tokensweep-plain" scan . 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "needs Java 17" <<<"$msg" || fail "an old Java gave exit $rc: $msg"
pass "a Java older than 17 is refused with exit 2 and a message"

# ---- the .deb ----------------------------------------------------------------------------------
deb=$(ls dist/target/tokensweep_*_amd64.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
  if command -v fakeroot >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
    fail "fakeroot and dpkg-deb are here but the build made no .deb"
  fi
  echo "dist-check: SKIP: no .deb (no fakeroot or dpkg-deb on this machine)"
else
  listing=$(dpkg-deb -c "$deb")
  for f in ./opt/tokensweep/bin/tokensweep ./opt/tokensweep/lib/app/tokensweep.jar ./opt/tokensweep/lib/runtime/bin/java; do
    grep -q " $f\$" <<<"$listing" || fail ".deb lacks $f"
  done
  root=$work/root
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
  : > "$root/var/lib/dpkg/status"
  # chrootless: the maintainer scripts honour DPKG_ROOT; the scratch root has none of the Depends
  dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >/dev/null 2>&1 \
    || fail "dpkg -i into a scratch root failed"
  # /usr/bin/tokensweep is the POSIX launcher, as in the tarball (jpackage's own, in bin/, takes
  # no options from the environment)
  [ "$(readlink "$root/usr/bin/tokensweep")" = /opt/tokensweep/lib/app/bin/tokensweep ] || fail "postinst made no /usr/bin/tokensweep"
  [ -x "$root/opt/tokensweep/lib/app/bin/tokensweep" ] || fail ".deb lacks the POSIX launcher in lib/app/bin"
  [ -s "$root/opt/tokensweep/lib/app/tokensweep.jsa" ] || fail "postinst wrote no class-data-sharing archive for jpackage's launcher"
  # named tokensweep-MAJOR-KEY.jsa for the bundled runtime (the JDK that built the package)
  ls "$root"/opt/tokensweep/lib/app/tokensweep-[0-9]*-*.jsa >/dev/null 2>&1 || fail "postinst wrote no class-data-sharing archive for the POSIX launcher"
  same_as_jar ".deb, installed, jpackage's launcher, no Java on PATH" nojava "$root/opt/tokensweep/bin/tokensweep"
  debhome=$work/deb-home
  touch "$work/before-launcher"
  same_as_jar ".deb, installed, the launcher on PATH, no Java on PATH" env -i HOME="$debhome" PATH="$tools" "$root/opt/tokensweep/lib/app/bin/tokensweep"
  # it used the archive postinst made: none made again beside the jar, none in the user's cache
  [ -z "$(find "$root/opt/tokensweep/lib/app" -name 'tokensweep-*.jsa' -newer "$work/before-launcher")" ] \
    && [ ! -e "$debhome/.cache/tokensweep" ] || fail ".deb's launcher made an archive of its own instead of using the installed one"
  set +e
  msg=$(env -i HOME="$debhome" PATH="$tools" TOKENSWEEP_JAVA_OPTS=-Xmx1m "$root/opt/tokensweep/lib/app/bin/tokensweep" --version 2>&1)
  rc=$?
  set -e
  [ "$rc" -ne 0 ] && grep -qi "heap" <<<"$msg" || fail ".deb's launcher on PATH ignored TOKENSWEEP_JAVA_OPTS=-Xmx1m (exit $rc)"
  pass ".deb's tokensweep on PATH takes TOKENSWEEP_JAVA_OPTS and the archive postinst made"
  dpkg --root="$root" --force-script-chrootless --log=/dev/null -r tokensweep >/dev/null 2>&1 || fail "dpkg -r failed"
  [ ! -e "$root/usr/bin/tokensweep" ] && [ ! -e "$root/opt/tokensweep" ] || fail "dpkg -r left files behind"
  pass ".deb $(basename "$deb") ($(du -m "$deb" | cut -f1) MiB) installs into a scratch root, scans, and removes cleanly"
fi

# ---- the pre-commit hook ------------------------------------------------------------------------
if command -v pre-commit >/dev/null 2>&1 && command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1; then
  hooked=$work/hooked
  mkdir -p "$hooked" "$work/pc-bin"
  ln -sf "$repo/dist/target/tokensweep/bin/tokensweep" "$work/pc-bin/tokensweep"
  cp "$samples/bash_history" "$hooked/leak.sh"
  echo "nothing to see" > "$hooked/clean.txt"
  (cd "$hooked" && git init -q && git add . >/dev/null)
  pc() {
    (cd "$hooked" && PATH="$work/pc-bin:$PATH" PRE_COMMIT_HOME="$work/pre-commit" \
      pre-commit try-repo "$repo" tokensweep-system --files "$@" > "$work/pc.txt" 2>&1)
  }
  pc leak.sh clean.txt && fail "the pre-commit hook let a leaked token through: $(cat "$work/pc.txt")"
  grep -q "ts.github" "$work/pc.txt" || fail "the pre-commit hook did not name the finding: $(cat "$work/pc.txt")"
  pc clean.txt || fail "the pre-commit hook refused a clean file: $(cat "$work/pc.txt")"
  pass "pre-commit hook tokensweep-system refuses a leaked token and passes a clean file"
else
  echo "dist-check: SKIP: no pre-commit (or not a git checkout)"
fi

# ---- SARIF for GitHub code scanning ------------------------------------------------------------
if [ -n "$multitool" ] && [ -x "$multitool" ]; then
  mkdir -p "$work/other root"
  cp "$samples/bash_history" "$work/other root/ünï code history"
  set +e
  java -jar scanner/target/tokensweep.jar scan -q -f sarif -o "$work/one.sarif" "$samples"
  java -jar scanner/target/tokensweep.jar scan -q -f sarif -o "$work/several.sarif" "$samples" "$work/other root"
  set -e
  for s in one several; do
    rm -f "$work/$s.check.sarif"
    (cd "$work" && "$multitool" validate --rule-kind Gh --output "$work/$s.check.sarif" "$work/$s.sarif" >/dev/null)
    [ -f "$work/$s.check.sarif" ] || fail "the multitool wrote no result for $s.sarif"
    if grep -Eq '"level" *: *"(error|warning)"' "$work/$s.check.sarif"; then
      fail "the multitool's GitHub rules reject $s.sarif: $(grep -o '"id" *: *"GH[0-9]*"' "$work/$s.check.sarif" | sort -u | tr '\n' ' ')"
    fi
  done
  report=scanner/target/surefire-reports/TEST-dev.tokensweep.scanner.cli.SarifMultitoolTest.xml
  grep -q 'skipped="0"' "$report" || fail "SarifMultitoolTest was skipped in the build although the multitool is installed"
  pass "SARIF of one and of several roots passes the multitool's GitHub rules"
else
  echo "dist-check: SKIP: no SARIF Multitool (no npm)"
fi

echo "dist-check: $passed passed, 0 failed"
