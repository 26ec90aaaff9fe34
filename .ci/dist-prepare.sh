#!/usr/bin/env bash
# Install and packaging (issue 17), before the build: what the .deb and the SARIF checks need.
# jpackage builds a .deb only with dpkg-deb and fakeroot; the SARIF Multitool (GitHub's validator)
# comes from npm. Prints the multitool's path on stdout (empty when Node is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# fakeroot and dpkg-deb for jpackage's .deb; pre-commit to run the hook in .pre-commit-hooks.yaml
missing=()
command -v fakeroot >/dev/null 2>&1 || missing+=(fakeroot)
command -v dpkg-deb >/dev/null 2>&1 || missing+=(dpkg)
command -v pre-commit >/dev/null 2>&1 || missing+=(pre-commit)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "dist-prepare: installing ${missing[*]}" >&2
    # a registry hiccup skips the checks that need these, it does not fail the build
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
      || echo "dist-prepare: apt-get failed: the checks that need ${missing[*]} are skipped" >&2
  else
    echo "dist-prepare: ${missing[*]} missing and no way to install them: those checks are skipped" >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/tokensweep-ci/sarif-multitool"
  mkdir -p "$dir"
  if [ ! -x "$dir/node_modules/.bin/sarif-multitool" ]; then
    echo "dist-prepare: installing @microsoft/sarif-multitool from npm" >&2
    (cd "$dir" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool@5 >&2) \
      || echo "dist-prepare: npm install failed: the SARIF Multitool checks are skipped" >&2
  fi
  # the native binary itself: the npm wrapper runs it through a shell that splits ';' in arguments
  tool="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  [ -x "$tool" ] || tool="$dir/node_modules/.bin/sarif-multitool"
  if [ -x "$tool" ]; then
    echo "$tool"
  fi
else
  echo "dist-prepare: no npm: the SARIF Multitool checks will be skipped" >&2
fi
