#!/usr/bin/env bash
# Time that stays linear on inputs shaped to be slow: one long line of base64 (random, of text),
# an escape repeated past the URL layer's run limit, a keyword repeated so that every few bytes
# opens a walk or a window, a JWT prefix repeated, an assignment's name repeated so that its value
# never ends, a keyword that a rule expects inside a section it never finds, and assignments with
# nothing between them (a finding every other one, from a value made up for the purpose), and
# gateway lines with session cookies (realistic, but 8 MB/s before item 101). Each
# 10 MB input must scan at a speed of the same order as a plain log; the eleventh round found
# several that took minutes or never ended (corpus/bench/README.md, item 56), the nineteenth
# three that took 7-41 s (items 93, 95, 96).
#
#   corpus/bench/hostile.sh [WORKDIR]      (default WORKDIR: ${TMPDIR:-/tmp}/tokensweep-hostile)
#
# Environment: RUNS (default 1), SIZE_MB (10), JAVA_OPTS (-Xmx256m), VIA (launcher or jar, as
# cases.sh), LIMIT (seconds a run may take before it counts as a hang: 120).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-${TMPDIR:-/tmp}/tokensweep-hostile}
RUNS=${RUNS:-1}
SIZE_MB=${SIZE_MB:-10}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
LIMIT=${LIMIT:-120}
TS_JAR=$ROOT/scanner/target/tokensweep.jar
TIME=/usr/bin/time

[ -x "$TIME" ] || { echo "hostile.sh: needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
if [ ! -f "$TS_JAR" ] || [ ! -x "$ROOT/dist/target/tokensweep/bin/tokensweep" ]; then
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
mkdir -p "$WORK"
source "$ROOT/corpus/bench/lib.sh"
ts_command

# the inputs, made once with a fixed seed (no real token in any of them)
python3 - "$WORK" "$SIZE_MB" <<'PY'
import base64, os, random, sys
work, mb = sys.argv[1], int(sys.argv[2])
n = mb << 20
random.seed(1)
def put(name, data):
    p = os.path.join(work, name + '.input')
    if not os.path.exists(p):
        open(p, 'wb').write(data[:n])
def repeat(unit):
    return (unit * (n // len(unit) + 1))[:n].encode()
put('base64-random', base64.b64encode(random.randbytes(n)))
put('base64-text', base64.b64encode(repeat('hello world this is text ')))
put('url-escapes', repeat('%41'))
put('jwt-prefix', repeat('eyJ'))
put('msa-prefix-in-base64', repeat('/EwA'))
put('keyword-assignments', repeat('token='))
put('assignment-names', repeat('client_secret='))
put('keyword-in-a-section', repeat('privatekey= '))
put('adjacent-assignments', repeat('bottoken=Ab3dEfGh1jKlMn0pQr '))
put('bearer-headers', repeat('Authorization: Bearer '))
put('pem-headers', repeat('-----BEGIN PRIVATE KEY-----\n'))
alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
put('alnum-line', ''.join(random.choice(alnum) for _ in range(n)).encode())
# gateway lines with a Cookie header holding a session id among other cookies (a finding each),
# and response lines naming cookies without one: re2j's NFA took ~22 us a header (item 101)
lines, size, i = [], 0, 0
while size < n:
    sid = ''.join(random.choice(alnum) for _ in range(32))
    line = (f'2026-11-01T11:09:{i % 60:02d}Z req={i} Cookie: _ga=GA1.2.{random.randrange(10**9)}.1700000000; '
            f'theme=dark; lang=en-US; tracking_id=a269313d-df6d-4631-a6bf-{i:012d}; sessionid={sid}\n'
            f'2026-11-01T11:09:{i % 60:02d}Z resp={i} status=200 cookie: theme=light; Path=/; Secure; HttpOnly '
            + 'x' * random.randrange(50, 300) + '\n')
    lines.append(line)
    size += len(line)
    i += 1
put('cookie-headers', ''.join(lines).encode())
PY

: > "$WORK/times"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); inputs of $SIZE_MB MB, one thread"
for i in $(seq 1 "$RUNS"); do
  for f in "$WORK"/*.input; do
    name=$(basename "$f" .input)
    measure "$name" timeout "$LIMIT" "${TS[@]}" scan -q --threads 1 --format jsonl -o /dev/null "$f"
  done
done
echo
printf '  %-26s %8s %8s %9s\n' input median MB/s "peak RSS"
for f in "$WORK"/*.input; do
  name=$(basename "$f" .input)
  m=$(median "$name")
  printf '  %-26s %7.2fs %8.1f %6d MB\n' "$name" "$m" "$(awk -v s="$m" -v mb="$SIZE_MB" 'BEGIN {print mb / s}')" "$(peak "$name")"
done
