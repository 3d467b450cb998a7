#!/usr/bin/env bash
# benches/compare.sh — ipctop against the classic tools, on this machine.
#
# Usage (as root, from the repository):   benches/compare.sh
#   LIST_QUEUES=10000  queues for part (a)          (default 10000)
#   IDLE_QUEUES=1000   queues for part (b)          (default 1000)
#   DURATION=60        seconds of the idle window   (default 60)
#   STRACE_SECONDS=10  seconds of `strace -c`       (default 10; 0 skips it)
#   IPCTOP=path        binary to test (default: target/release/ipctop,
#                      built with `cargo build --release` first)
#
# (a) Listing: `ipctop list --json` vs `ipcs -q` (and `lsipc -q` for
#     context) as whole processes over LIST_QUEUES queues, with hyperfine
#     if installed (else a loop timed with `date +%s%N`, median of 20).
#     Target: ipctop at least 5x faster than `ipcs -q`.
# (b) Idle cost: the TUI (`ipctop --interval 1s` in a 120x40 tmux pane,
#     IDLE_QUEUES queues) side by side with `htop -d 10` (htop's delay is in
#     tenths of a second: also 1 s) for DURATION seconds; CPU time is
#     utime+stime from /proc/PID/stat (in CLK_TCK ticks) read at the start
#     and the end of the window, after a 3 s settling time. Also ipctop's
#     VmRSS. Targets: ipctop's CPU <= htop's, and RSS < 16 MiB.
#     Then `strace -f -c` on the idle TUI for STRACE_SECONDS: syscalls per
#     second, and the state of each of its threads (S = asleep).
#
# Isolation and cleanup: every queue is created inside a private IPC
# namespace (`unshare --ipc`), which the kernel destroys with its queues
# when its last process exits; nothing is created in the shared namespace.
# The queues are made by a small python3 ctypes script (msgget/msgsnd), an
# independent client. tmux runs on a private socket; a trap kills its
# server, htop and strace, and removes the temporary directory, on any exit
# (Ctrl-C included).
#
# Needs: root, util-linux (unshare, ipcs, lsipc), python3, tmux, htop;
# optional: hyperfine, strace.

set -euo pipefail

LIST_QUEUES=${LIST_QUEUES:-10000}
IDLE_QUEUES=${IDLE_QUEUES:-1000}
DURATION=${DURATION:-60}
STRACE_SECONDS=${STRACE_SECONDS:-10}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

die() { echo "compare.sh: $*" >&2; exit 1; }

# Creates $1 queues in the current IPC namespace; every 50th gets a few
# messages (the creating process then exits, like a finished producer).
make_queues() {
    python3 - "$1" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
IPC_PRIVATE, IPC_CREAT, IPC_NOWAIT = 0, 0o1000, 0o4000
class Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 256)]
def check(ret, what):
    if ret < 0:
        e = ctypes.get_errno()
        sys.exit(f"{what}: {os.strerror(e)}")
    return ret
n = int(sys.argv[1])
msg = Msg(1, b"x" * 200)
for i in range(n):
    q = check(libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600), f"msgget #{i}")
    if i % 50 == 0:
        for _ in range(1 + (i // 50) % 8):
            check(libc.msgsnd(q, ctypes.byref(msg), 200, IPC_NOWAIT), f"msgsnd {q}")
PY
}

# Median wall time in ms of 20 runs of "$@" (fallback without hyperfine).
time_loop() {
    local i start end
    for i in 1 2 3; do "$@" >/dev/null 2>&1; done
    for i in $(seq 20); do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        echo $(( (end - start) / 1000 ))
    done | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f\n", (a[10] + a[11]) / 2000 }'
}

# ---- part (a), run inside a private IPC namespace -------------------------
tmp="" # the temporary directory of the running part (global: traps use it)

inner_list() {
    tmp=$(mktemp -d /tmp/ipctop-compare.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
    make_queues "$LIST_QUEUES"
    local listed
    listed=$("$IPCTOP" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["msg"]))')
    echo "  namespace $(readlink /proc/self/ns/ipc): ipctop lists $listed queues, ipcs -q lists $(ipcs -q | grep -c '^0x')"
    [ "$listed" -eq "$LIST_QUEUES" ] || die "expected $LIST_QUEUES queues"
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 3 --min-runs 20 --style basic \
            --export-json "$tmp/list.json" \
            -n "ipctop list --json" "$IPCTOP list --json" \
            -n "ipcs -q" "ipcs -q" \
            -n "lsipc -q" "lsipc -q" >"$tmp/hyperfine.txt" 2>&1 \
            || { cat "$tmp/hyperfine.txt"; die "hyperfine failed"; }
        python3 - "$tmp/list.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ms = lambda v: v * 1000
print(f"  {'command':<20} {'median':>10} {'mean ± sd':>18} {'min':>9} {'runs':>5}")
for name, x in r.items():
    print(f"  {name:<20} {ms(x['median']):8.2f}ms {ms(x['mean']):8.2f} ± {ms(x['stddev']):5.2f}ms"
          f" {ms(x['min']):7.2f}ms {len(x['times']):5d}")
speed = r["ipcs -q"]["median"] / r["ipctop list --json"]["median"]
print(f"  ipcs -q / ipctop list --json = {speed:.1f}x"
      f" (target >= 5x: {'met' if speed >= 5 else 'NOT met'})")
print(f"  lsipc -q / ipctop list --json = "
      f"{r['lsipc -q']['median'] / r['ipctop list --json']['median']:.1f}x")
PY
    else
        echo "  (hyperfine not installed: median of 20 runs timed with date +%s%N)"
        local a b c
        a=$(time_loop "$IPCTOP" list --json)
        b=$(time_loop ipcs -q)
        c=$(time_loop lsipc -q)
        printf '  %-20s %8sms\n  %-20s %8sms\n  %-20s %8sms\n' \
            "ipctop list --json" "$a" "ipcs -q" "$b" "lsipc -q" "$c"
        awk -v a="$a" -v b="$b" 'BEGIN { s = b / a; printf "  ipcs -q / ipctop list --json = %.1fx (target >= 5x: %s)\n", s, (s >= 5 ? "met" : "NOT met") }'
    fi
}

# ---- part (b), run inside a private IPC namespace -------------------------
ticks() { # utime + stime of a process, in clock ticks
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }               # the command may contain spaces
    set -- $stat                    # now $1 is field 3 (state)
    echo $(( ${12} + ${13} ))       # fields 14 and 15
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

inner_idle() {
    sock="ipctop-compare-$$" strace_pid=""
    local ipctop_pid htop_pid
    tmp=$(mktemp -d /tmp/ipctop-compare.XXXXXX)
    cleanup() {
        [ -n "$strace_pid" ] && kill "$strace_pid" 2>/dev/null || true
        tmux -L "$sock" kill-server 2>/dev/null || true
        rm -rf "$tmp"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    make_queues "$IDLE_QUEUES"

    local tmuxc=(tmux -L "$sock" -f /dev/null)
    "${tmuxc[@]}" new-session -d -s ipctop -x 120 -y 40 "exec $IPCTOP --interval 1s"
    "${tmuxc[@]}" new-session -d -s htop -x 120 -y 40 "exec htop -d 10"
    ipctop_pid=$("${tmuxc[@]}" list-panes -t ipctop -F '#{pane_pid}')
    htop_pid=$("${tmuxc[@]}" list-panes -t htop -F '#{pane_pid}')
    sleep 3 # both started and drew their first screens
    [ "$(cat "/proc/$ipctop_pid/comm")" = ipctop ] || die "ipctop did not start"
    [ "$(cat "/proc/$htop_pid/comm")" = htop ] || die "htop did not start"
    local shown
    shown=$(python3 -c "print(f'{$IDLE_QUEUES:,} queues')") # as ipctop's header writes it
    if ! "${tmuxc[@]}" capture-pane -p -t ipctop | grep -q "$shown"; then
        echo "  warning: ipctop's header does not show $IDLE_QUEUES queues; screen was:"
        "${tmuxc[@]}" capture-pane -p -t ipctop | head -5 | sed 's/^/    /'
    fi

    local hz i0 h0 i1 h1 t0 t1
    hz=$(getconf CLK_TCK)
    i0=$(ticks "$ipctop_pid"); h0=$(ticks "$htop_pid"); t0=$(date +%s%N)
    sleep "$DURATION"
    i1=$(ticks "$ipctop_pid"); h1=$(ticks "$htop_pid"); t1=$(date +%s%N)
    local irss hrss
    irss=$(rss_kib "$ipctop_pid"); hrss=$(rss_kib "$htop_pid")
    python3 - "$hz" "$i0" "$i1" "$h0" "$h1" "$t0" "$t1" "$irss" "$hrss" <<'PY'
import sys
hz, i0, i1, h0, h1, t0, t1, irss, hrss = map(int, sys.argv[1:])
wall = (t1 - t0) / 1e9
ic, hc = (i1 - i0) / hz, (h1 - h0) / hz
print(f"  window {wall:.1f}s, CLK_TCK {hz} (one tick = {1000 / hz:.0f}ms, so small figures are coarse)")
print(f"  {'':8} {'CPU s':>7} {'% of one CPU':>13} {'VmRSS':>10}")
print(f"  {'ipctop':8} {ic:7.2f} {100 * ic / wall:12.2f}% {irss / 1024:8.1f}MiB")
print(f"  {'htop':8} {hc:7.2f} {100 * hc / wall:12.2f}% {hrss / 1024:8.1f}MiB")
print(f"  ipctop CPU <= htop CPU: {'met' if ic <= hc else 'NOT met'}"
      f" ({ic / hc:.2f}x htop)" if hc else "  htop used no measurable CPU")
print(f"  ipctop RSS < 16 MiB: {'met' if irss < 16 * 1024 else 'NOT met'}")
PY

    echo "  threads of ipctop (state S = asleep):"
    local task
    for task in /proc/"$ipctop_pid"/task/*; do
        local s
        s=$(<"$task/stat"); s=${s##*) }
        printf '    tid %-8s %-12s state %s  wchan %s\n' "${task##*/}" \
            "$(<"$task/comm")" "${s%% *}" "$(cat "$task/wchan" 2>/dev/null || echo ?)"
    done

    if [ "$STRACE_SECONDS" -gt 0 ] && command -v strace >/dev/null; then
        strace -qq -f -c -p "$ipctop_pid" -o "$tmp/strace.txt" &
        strace_pid=$!
        sleep "$STRACE_SECONDS"
        kill -INT "$strace_pid"
        wait "$strace_pid" || true
        strace_pid=""
        # Rows are "% seconds usecs/call calls [errors] syscall": calls is
        # field 4 either way. The time columns count sleeping in futex.
        echo "  strace -f -c over ${STRACE_SECONDS}s, by calls (errors = failed calls):"
        awk 'NR > 2 && $0 !~ /^-/ && $NF != "total" {
                 printf "    %-16s %7d calls %6.1f/s %7s errors\n", $NF, $4, $4 / s, (NF == 6 ? $5 : 0)
             }' s="$STRACE_SECONDS" "$tmp/strace.txt" | sort -k2,2nr | head -10
        awk 'NR > 2 && $0 !~ /^-/ && $NF != "total" { n += $4 }
             END { printf "  total %d syscalls in %ds = %.0f per second\n", n, s, n / s }' \
            s="$STRACE_SECONDS" "$tmp/strace.txt"
    fi
}

# ---- dispatch --------------------------------------------------------------
case "${1:-}" in
    __list) inner_list; exit ;;
    __idle) inner_idle; exit ;;
    "") ;;
    *) die "unknown argument $1 (see the top of this script)" ;;
esac

[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare --ipc for a private IPC namespace)"
for tool in unshare ipcs lsipc python3 tmux htop; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y util-linux python3 tmux htop)"
done
unshare --ipc true 2>/dev/null || die "unshare --ipc failed: no private IPC namespace here"
if [ -z "${IPCTOP:-}" ]; then
    (cd "$repo" && cargo build --release --quiet --bin ipctop) || die "cargo build --release failed"
    IPCTOP="$repo/target/release/ipctop"
fi
[ -x "$IPCTOP" ] || die "no binary at $IPCTOP"
export IPCTOP LIST_QUEUES IDLE_QUEUES DURATION STRACE_SECONDS

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, Linux $(uname -r)"
echo "ipctop: $IPCTOP ($(stat -c %s "$IPCTOP") bytes); $(ipcs -V 2>&1 | head -1); $(htop --version | head -1)"
echo
echo "(a) list $LIST_QUEUES queues, whole processes"
unshare --ipc -- bash "$0" __list
echo
echo "(b) idle for ${DURATION}s: ipctop --interval 1s ($IDLE_QUEUES queues) vs htop -d 10, 120x40 tmux"
unshare --ipc -- bash "$0" __idle
