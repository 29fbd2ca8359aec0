#!/bin/sh
# Lint a rendered exposition with Prometheus' promtool. Exit 77 (ctest: skipped) without it.
set -eu
exposition_program="$1"
if ! command -v promtool >/dev/null 2>&1; then
  echo "SKIPPED: promtool not found; install the Debian package 'prometheus' to run this check" >&2
  exit 77
fi
out="$(mktemp)"
trap 'rm -f "$out"' EXIT INT TERM
"$exposition_program" >"$out"
if [ ! -s "$out" ]; then
  echo "FAILED: $exposition_program rendered an empty exposition" >&2
  exit 1
fi
# promtool exits non-zero on parse errors and on lint problems, and prints what it found.
promtool check metrics <"$out"
echo "promtool check metrics: $(grep -c -v '^#' "$out") samples pass"
