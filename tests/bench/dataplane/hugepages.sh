# shellcheck shell=bash
# 2 MB pages reserved for a benchmark's testpmd run and given back at exit. Sourced by
# bench_dataplane.sh and ab_dataplane.sh; call release_hugepages from the exit trap.
HUGE_BEFORE=""  # /proc/sys/vm/nr_hugepages before reserve_hugepages; empty: nothing reserved

reserve_hugepages() {  # reserve_hugepages N: N more 2 MB pages; status 1 when the kernel has not got them
  local f=/proc/sys/vm/nr_hugepages
  [[ -w $f ]] || return 1
  HUGE_BEFORE=$(cat "$f")
  echo $((HUGE_BEFORE + $1)) >"$f"
  (($(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo) >= $1))
}

release_hugepages() {
  if [[ -n $HUGE_BEFORE ]]; then echo "$HUGE_BEFORE" >/proc/sys/vm/nr_hugepages; fi
}
