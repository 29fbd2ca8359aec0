#!/usr/bin/env bash
# Formats every tracked C++ file with the repository's .clang-format (clang-format 14, Debian's).
#   scripts/format.sh           rewrite files in place
#   scripts/format.sh --check   change nothing; list the files that differ and exit 1 if any
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cf=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$cf" ]; then
  echo "format: clang-format not installed (Debian: apt-get install clang-format-14)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.h' '*.c' | grep -v '\.bpf\.c$' || true)
[ ${#files[@]} -gt 0 ] || { echo "format: no C++ files"; exit 0; }
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    "$cf" --style=file --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "format: ${#bad[@]} of ${#files[@]} files differ from .clang-format (run scripts/format.sh):"
    printf '  %s\n' "${bad[@]}"
    exit 1
  fi
  echo "format: ${#files[@]} files match .clang-format"
else
  "$cf" --style=file -i "${files[@]}"
  echo "format: formatted ${#files[@]} files"
fi
