#!/usr/bin/env python3
"""bench/run --profile's table: per GiB moved, each peer's syscalls by type, bytes per read and per write,
io_uring requests, context switches, CPU seconds (user/kernel) and where the on-CPU samples were.

  profile.py DIR PEER...   reads DIR/PEER.{count.iperf.json,bpftrace,iperf.json,before,after,perf.txt}
                           (bench/profile writes them: a counted run, then an untraced one for CPU and samples)
"""
import json
import re
import sys
from collections import Counter, defaultdict

GIB = 1 << 30
TICKS = 100  # USER_HZ: /proc/PID/stat's clock ticks per second on Linux

# x86_64 numbers of the syscalls a proxy makes on its data path (others are printed by number).
SYSCALLS = {0: "read", 1: "write", 3: "close", 7: "poll", 9: "mmap", 10: "mprotect", 11: "munmap", 12: "brk",
            16: "ioctl", 19: "readv", 20: "writev", 23: "select", 24: "sched_yield", 28: "madvise", 35: "nanosleep",
            41: "socket", 42: "connect", 43: "accept", 44: "sendto", 45: "recvfrom", 46: "sendmsg", 47: "recvmsg",
            48: "shutdown", 54: "setsockopt", 55: "getsockopt", 72: "fcntl", 202: "futex", 228: "clock_gettime",
            230: "clock_nanosleep", 232: "epoll_wait", 233: "epoll_ctl", 270: "pselect6", 271: "ppoll",
            281: "epoll_pwait", 288: "accept4", 290: "eventfd2", 299: "recvmmsg", 307: "sendmmsg",
            425: "io_uring_setup", 426: "io_uring_enter", 427: "io_uring_register", 441: "epoll_pwait2"}
READS = {"read", "readv", "recvfrom", "recvmsg"}
WRITES = {"write", "writev", "sendto", "sendmsg"}
SHOWN = ["read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg", "epoll_wait",
         "epoll_pwait", "epoll_ctl", "poll", "io_uring_enter", "futex"]
# io_uring opcodes (include/uapi/linux/io_uring.h)
OPCODES = {1: "READV", 2: "WRITEV", 6: "POLL_ADD", 9: "SENDMSG", 10: "RECVMSG", 11: "TIMEOUT", 13: "ACCEPT",
           14: "ASYNC_CANCEL", 16: "CONNECT", 19: "CLOSE", 22: "READ", 23: "WRITE", 26: "SEND", 27: "RECV",
           31: "PROVIDE_BUFFERS", 34: "SHUTDOWN", 40: "MSG_RING", 47: "SEND_ZC", 48: "SENDMSG_ZC"}
IO_READS = {"READV", "RECVMSG", "READ", "RECV"}
IO_WRITES = {"WRITEV", "SENDMSG", "WRITE", "SEND", "SEND_ZC", "SENDMSG_ZC"}
BUCKETS = ["kernel: copies", "kernel: other", "TLS/crypto library", "libc memcpy/memmove", "libc other",
           "JVM (libjvm: GC, JIT, runtime)", "Netty JNI (transport)", "Java (JIT code)", "other"]


def bpftrace_maps(path):
    """{'calls': {(pid, key): n}, ...} from bpftrace's end-of-run map dump."""
    maps = defaultdict(dict)
    for line in open(path):
        match = re.match(r"@(\w+)\[(\d+), (\d+)\]: (\d+)", line)
        if match:
            maps[match.group(1)][(int(match.group(2)), int(match.group(3)))] = int(match.group(4))
    return maps


def snapshot(path):
    return {f[0]: (int(f[1]), int(f[2]), int(f[3])) for f in (line.split() for line in open(path)) if len(f) == 4}


def bucket(sym, dso):
    leaf = dso.rsplit("/", 1)[-1]
    if dso == "[kernel.kallsyms]":
        return "kernel: copies" if re.search(r"copy|memcpy|memmove|movs|csum_partial", sym) else "kernel: other"
    if re.search(r"libssl|libcrypto|tcnative", leaf):
        return "TLS/crypto library"
    if leaf.startswith("libc.so") or leaf.startswith("libc-"):
        return "libc memcpy/memmove" if re.search(r"mem(cpy|move)", sym) else "libc other"
    if leaf.startswith("libjvm"):
        return "JVM (libjvm: GC, JIT, runtime)"
    if "netty_transport" in leaf or "netty_io_uring" in leaf or "netty_epoll" in leaf:
        return "Netty JNI (transport)"
    if dso in ("[unknown]", "") or leaf.startswith("perf-") or leaf.startswith("jitted-") or dso == "[JIT] tid":
        return "Java (JIT code)"
    return "other"


def samples(path):
    """Counter of bucket → samples, and of (bucket, symbol) for the top functions."""
    buckets, symbols = Counter(), Counter()
    for line in open(path, errors="replace"):
        match = re.match(r"\s*(\d+)\s+[0-9a-f]+\s+(.*?)\s*\((.*)\)\s*$", line)
        if not match:
            continue
        sym, dso = match.group(2) or "[unknown]", match.group(3)
        name = bucket(sym, dso)
        buckets[name] += 1
        symbols[(name, sym if sym != "[unknown]" else dso.rsplit("/", 1)[-1])] += 1
    return buckets, symbols


def peer(directory, name):
    base = f"{directory}/{name}"
    counted = json.load(open(base + ".count.iperf.json"))["end"]["sum_received"]
    timed = json.load(open(base + ".iperf.json"))["end"]["sum_received"]
    before, after = snapshot(base + ".before"), snapshot(base + ".after")
    pids = {before[p][0]: p for p in before}
    maps = bpftrace_maps(base + ".bpftrace")
    calls, nbytes = Counter(), Counter()
    for (pid, number), n in maps["calls"].items():
        if pid in pids:
            calls[SYSCALLS.get(number, f"sys_{number}")] += n
    for (pid, number), n in maps["bytes"].items():
        if pid in pids:
            nbytes[SYSCALLS.get(number, f"sys_{number}")] += n
    cqes, cqe_bytes = Counter(), Counter()
    for (pid, op), n in maps["cqes"].items():
        cqes[OPCODES.get(op, f"op_{op}")] += n
    for (pid, op), n in maps["cqe_bytes"].items():
        cqe_bytes[OPCODES.get(op, f"op_{op}")] += n
    switches = Counter()
    for (pid, voluntary), n in maps["switches"].items():
        switches["vol" if voluntary else "invol"] += n
    measured = [p for p in before if not p.startswith("agent-")]
    delta = lambda i, procs: sum(after[p][i] - before[p][i] for p in procs)
    buckets, symbols = samples(base + ".perf.txt")
    return {"name": name, "gib": counted["bytes"] / GIB, "gbps": counted["bits_per_second"] / 1e9,
            "timed_gib": timed["bytes"] / GIB, "timed_gbps": timed["bits_per_second"] / 1e9,
            "calls": calls, "bytes": nbytes, "cqes": cqes, "cqe_bytes": cqe_bytes,
            "user": delta(1, measured) / TICKS, "sys": delta(2, measured) / TICKS,
            "vol": switches["vol"], "invol": switches["invol"],
            "idle_cpu": {p: (after[p][1] + after[p][2] - before[p][1] - before[p][2]) / TICKS
                         for p in before if p.startswith("agent-")},
            "buckets": buckets, "symbols": symbols, "procs": measured}


def per_gib(value, row, key="gib"):
    return value / row[key] if row[key] else None


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def main():
    directory, names = sys.argv[1], sys.argv[2:]
    rows = [peer(directory, n) for n in names]
    head = "| per GiB moved | " + " | ".join(f"{r['name']} ({', '.join(r['procs'])})" for r in rows) + " |"
    out = [head, "|---|" + "---:|" * len(rows)]
    line = lambda label, values: out.append(f"| {label} | " + " | ".join(values) + " |")
    line("counted run: GiB moved (Gbit/s, under tracing)", [f"{r['gib']:.2f} ({r['gbps']:.2f})" for r in rows])
    line("untraced run: GiB moved (Gbit/s)", [f"{r['timed_gib']:.2f} ({r['timed_gbps']:.2f})" for r in rows])
    line("CPU s, user (untraced run)", [fmt(per_gib(r["user"], r, "timed_gib"), 3) for r in rows])
    line("CPU s, kernel (untraced run)", [fmt(per_gib(r["sys"], r, "timed_gib"), 3) for r in rows])
    line("context switches, voluntary", [fmt(per_gib(r["vol"], r)) for r in rows])
    line("context switches, involuntary", [fmt(per_gib(r["invol"], r)) for r in rows])
    line("syscalls, all", [fmt(per_gib(sum(r["calls"].values()), r)) for r in rows])
    for call in SHOWN:
        if any(r["calls"][call] for r in rows):
            line(f"syscalls, {call}", [fmt(per_gib(r["calls"][call], r)) for r in rows])
    others = lambda r: sum(n for c, n in r["calls"].items() if c not in SHOWN)
    line("syscalls, other", [fmt(per_gib(others(r), r)) for r in rows])
    for kind, names_ in (("read", READS), ("write", WRITES)):
        line(f"bytes per {kind} syscall (returning data)",
             [fmt(sum(r["bytes"][c] for c in names_) / sum(r["calls"][c] for c in names_))
              if sum(r["calls"][c] for c in names_) else "–" for r in rows])
    ops = sorted({op for r in rows for op in r["cqes"]})
    for op in ops:
        if any((per_gib(r["cqes"][op], r) or 0) >= 1 for r in rows):
            line(f"io_uring {op} completions", [fmt(per_gib(r["cqes"][op], r)) for r in rows])
    for kind, names_ in (("read", IO_READS), ("write", IO_WRITES)):
        if any(r["cqes"][op] for r in rows for op in names_):
            line(f"bytes per io_uring {kind} completion",
                 [fmt(sum(r["cqe_bytes"][o] for o in names_) / sum(r["cqes"][o] for o in names_))
                  if sum(r["cqes"][o] for o in names_) else "–" for r in rows])
    total = {r["name"]: sum(r["buckets"].values()) for r in rows}
    for b in BUCKETS:
        if any(r["buckets"][b] for r in rows):
            line(f"on-CPU samples: {b}", [f"{100 * r['buckets'][b] / max(1, total[r['name']]):.1f} %" for r in rows])
    line("on-CPU samples (999 Hz, untraced run)", [fmt(total[r["name"]]) for r in rows])
    for r in rows:
        if r["idle_cpu"]:
            out.append("")
            out.append(f"{r['name']}: not counted above, CPU s over the run: "
                       + ", ".join(f"{p} {v:.2f}" for p, v in r["idle_cpu"].items()))
    for r in rows:
        out += ["", f"{r['name']}: top on-CPU functions (perf, leaf frame)", ""]
        for (b, sym), n in r["symbols"].most_common(15):
            out.append(f"- {100 * n / max(1, total[r['name']]):.1f} % {sym} ({b})")
    print("\n".join(out))


if __name__ == "__main__":
    main()
