#!/usr/bin/env bash
# Validates SARIF files with Microsoft's SARIF Multitool (the validator GitHub's docs point to).
# Not part of `mvn verify`: it needs the npm registry. The build validates against the JSON schema.
#
#   scanner/scripts/check-sarif.sh report.sarif [more.sarif ...]
#   scanner/scripts/check-sarif.sh            # builds the jar, scans a synthetic tree, validates that
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  jar="$repo/scanner/target/tokensweep.jar"
  if [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -q -B -DskipTests -pl detectors,scanner -am package)
  fi
  mkdir -p "$work/tree/logs"
  # synthetic GitHub-format tokens with valid checksums (the rule examples), never issued by anyone
  printf 'export GITHUB_TOKEN=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\n' > "$work/tree/.bash_history"
  printf '{"access_token":"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"}\n' > "$work/tree/logs/app.log"
  set +e
  java -jar "$jar" scan --quiet --format sarif --output "$work/report.sarif" "$work/tree"
  rc=$?
  set -e
  if [ "$rc" -ne 1 ]; then
    echo "check-sarif: expected exit 1 (findings) from the scan, got $rc" >&2
    exit 1
  fi
  files=("$work/report.sarif")
fi

(cd "$work" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool >/dev/null)
status=0
for f in "${files[@]}"; do
  abs="$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
  out="$work/validate.sarif"
  # the multitool writes its own findings as SARIF; errors make it exit non-zero
  set +e
  # the SARIF rules, then GitHub's; the npm wrapper runs the tool through a shell, so no ';' in
  # arguments, and --log ForceOverwrite no longer parses (multitool 5.7): remove the output first
  rc=0
  for kind in Sarif Gh; do
    rm -f "$out.$kind"
    (cd "$work" && npx --no-install sarif-multitool validate --rule-kind "$kind" --output "$out.$kind" "$abs") || rc=$?
  done
  node -e '
    const fs = require("fs");
    const merged = {runs: []};
    for (const f of process.argv.slice(2)) merged.runs.push(...JSON.parse(fs.readFileSync(f, "utf8")).runs);
    fs.writeFileSync(process.argv[1], JSON.stringify(merged));
  ' "$out" "$out.Sarif" "$out.Gh"
  set -e
  # list what the multitool said (its own SARIF): errors fail the check, warnings and notes are shown
  summary="$(node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const by = {};
    for (const run of log.runs || []) for (const r of run.results || []) {
      const level = r.level || "warning";
      by[level] = (by[level] || 0) + 1;
      console.error(`  ${level} ${r.ruleId}: ${(r.message && (r.message.text || r.message.id)) || ""}`);
    }
    console.log(JSON.stringify(by));
  ' "$out" 2>&1)" || true
  echo "$summary"
  if [ "$rc" -eq 0 ] && ! grep -q '"error"' <<<"$summary"; then
    echo "check-sarif: $f: valid (multitool exit $rc)"
  else
    echo "check-sarif: $f: INVALID (multitool exit $rc)" >&2
    status=1
  fi
done
exit $status
