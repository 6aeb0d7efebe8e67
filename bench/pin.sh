# Sourced by bench/run.sh and bench/service.sh: how the harness pins
# processes to CPUs.
#
# pin_prefix CPUS prints the taskset command that pins to CPUS, one word per
# line, or nothing where pinning is impossible (no taskset, or no such CPU,
# e.g. on a 1-CPU host). Use it as an array prefix:
#
#   mapfile -t PIN < <(pin_prefix 0)
#   "${PIN[@]}" server &     # $! is the server itself: taskset execs it
#
# rather than through a wrapper function: a backgrounded function is a
# subshell, and signalling it would leave its child running.
pin_prefix() {
  if command -v taskset >/dev/null 2>&1 && taskset -c "$1" true 2>/dev/null; then
    printf '%s\n' taskset -c "$1"
  fi
}
