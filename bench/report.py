#!/usr/bin/env python3
"""bench/run's parsing and reporting: turns tool outputs into JSON rows, and rows into Markdown or JSON.

  report.py l4-row NAME RSS CPU0 CPU1 IDLE IPERF1 IPERF8 SOCKPERF WRK_CLOSE COLD_IPERF1   one L4 row
  report.py wrk-row NAME RSS WRK                                             one L7 row (HTTP/1.1)
  report.py h2load-row NAME RSS H2LOAD LOGFILE                               one L7 row (HTTP/2)
  report.py control-rows                < JSON lines of the control mains    control rows
  report.py loopback-rows               < WaypointLoopback --json lines      the waypoint alone on loopback
  report.py json META | markdown META   < rows                               the report
"""
import json
import re
import sys

GIB = 1 << 30


def read(path):
    with open(path) as f:
        return f.read()


def number(text):
    return None if text in ("", "null") else float(text)


def iperf(path):
    """(Gbit/s, bytes, error): from the receiver's summary, or when the run broke before its end (the control
    connection failed), from the client's per-second intervals, with the error kept for the report."""
    result = json.loads(read(path))
    if "error" not in result:
        received = result["end"]["sum_received"]
        return received["bits_per_second"] / 1e9, received["bytes"], None
    intervals = [i["sum"] for i in result.get("intervals", []) if not i["sum"].get("omitted")]
    if not intervals:
        return None, 0, result["error"]
    moved = sum(i["bytes"] for i in intervals)
    return moved * 8 / sum(i["seconds"] for i in intervals) / 1e9, moved, result["error"]


def sockperf_percentiles(text):
    found = {float(p): float(v) for p, v in re.findall(r"percentile\s+([\d.]+)\s*=\s*([\d.]+)", text)}
    if not found:
        raise SystemExit("sockperf printed no percentiles:\n" + text)
    return found.get(50.0), found.get(99.0), found.get(99.9)


def wrk_rate(text):
    """wrk's requests per second, or None when it printed none (it failed)."""
    match = re.search(r"Requests/sec:\s*([\d.]+)", text)
    return float(match.group(1)) if match else None


def requests_per_second(text):
    rate = wrk_rate(text)
    if rate is None:
        raise SystemExit("wrk printed no rate:\n" + text)
    return rate


def wrk_percentile(text, percent):
    match = re.search(r"^\s*%d%%\s+([\d.]+)(us|ms|s)\s*$" % percent, text, re.M)
    if not match:
        return None
    scale = {"us": 1, "ms": 1e3, "s": 1e6}[match.group(2)]
    return float(match.group(1)) * scale


def nearest_rank(sorted_values, percent):
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * percent // 100))
    return sorted_values[int(rank) - 1]


def rounded(value):
    return None if value is None else round(value, 2)


def emit(row):
    print(json.dumps(row))


def l4_row(name, rss, cpu0, cpu1, idle, one, eight, lat, conns, cold):
    gbps1, _, error1 = iperf(one)
    cold_gbps = iperf(cold)[0] if read(cold).strip() else None
    gbps8, bytes8, error8 = iperf(eight)
    p50, p99, p999 = sockperf_percentiles(read(lat))
    cpu = number(cpu1) - number(cpu0)
    idle_values = [number(v) for v in idle.split()] if idle != "null" else [None, None]
    emit({"section": "l4", "name": name, "throughput_gbps": rounded(gbps1), "throughput_8_gbps": rounded(gbps8),
          "cold_throughput_gbps": rounded(cold_gbps),
          "p50_us": p50, "p99_us": p99, "p999_us": p999,
          "conns_per_s": round(requests_per_second(read(conns))),
          "rss_mib": number(rss),
          "cpu_s_per_gib": round(cpu / (bytes8 / GIB), 3) if number(rss) is not None and bytes8 else None,
          "idle_rss_mib": idle_values[0], "idle_rss_first_mib": idle_values[1],
          "iperf_errors": [e for e in (error1, error8) if e]})


def wrk_row(name, rss, out, cold="/dev/null", warmup_s="null"):
    text = read(out)
    cold_rate = wrk_rate(read(cold))
    emit({"section": "l7", "name": name, "rps": round(requests_per_second(text)),
          "p50_us": wrk_percentile(text, 50), "p99_us": wrk_percentile(text, 99), "rss_mib": number(rss),
          # The cold run's rate when it printed one: a failed cold run leaves the column empty, not the report.
          "cold_rps": round(cold_rate) if cold_rate is not None else None,
          "warmup_s": number(warmup_s)})


def h2load_row(name, rss, out, log):
    text = read(out)
    match = re.search(r"finished in [^,]+, ([\d.]+) req/s", text)
    failed = re.search(r"requests: .*?(\d+) failed", text)
    if not match:
        raise SystemExit("h2load printed no rate:\n" + text)
    elapsed = sorted(int(line.split()[2]) for line in read(log).splitlines() if len(line.split()) >= 3)
    emit({"section": "l7", "name": name, "rps": round(float(match.group(1))),
          "p50_us": nearest_rank(elapsed, 50), "p99_us": nearest_rank(elapsed, 99), "rss_mib": number(rss),
          "failed": int(failed.group(1)) if failed else None})


def control_rows():
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            row["section"] = "control"
            if "issuances_per_s" in row:
                row["rps"] = row["issuances_per_s"]
            row.setdefault("rss_mib", None)
            emit(row)


def loopback_rows():
    """WaypointLoopback's medians (its --json lines), already in row form."""
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            if row.get("section") == "loopback":
                emit(row)


def footprint_row(name, ready_s, rest, idle):
    emit({"section": "footprint", "name": name, "ready_s": number(ready_s), "rss_mib": number(rest),
          "idle_rss_mib": number(idle)})


def rows():
    return [json.loads(line) for line in sys.stdin if line.strip()]


def by_section(all_rows):
    sections = {"l4": [], "l7": [], "loopback": [], "control": [], "footprint": []}
    for row in all_rows:
        sections[row.pop("section")].append(row)
    return sections


def to_json(meta):
    print(json.dumps({"meta": meta, **by_section(rows())}, indent=2))


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(value, base):
    return f"{value / base:.2f}×" if value is not None and base else "–"


def find(table, prefix):
    return next((row for row in table if row["name"].startswith(prefix)), None)


def markdown(meta):
    s = by_section(rows())
    l4, l7 = s["l4"], s["l7"]
    direct, stunnel, haproxy = find(l4, "direct"), find(l4, "stunnel"), find(l4, "haproxy")
    out = [f"_{meta}_", "", "### L4: tunnel pairs (client pod → server pod across two node namespaces)", "",
           "| peer | Gbit/s 1 stream | Gbit/s 8 streams | cold Gbit/s, 1 stream, first 10 s | RTT p50 µs | p99 µs "
           "| p99.9 µs | new conns/s | RSS MiB (pair, loaded) | CPU s / GiB (pair) | RSS MiB, 1,000 idle conns (pair) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in l4:
        out.append(f"| {r['name']} | {fmt(r['throughput_gbps'], 2)} | {fmt(r['throughput_8_gbps'], 2)} "
                   f"| {fmt(r.get('cold_throughput_gbps'), 2)} "
                   f"| {fmt(r['p50_us'], 1)} | {fmt(r['p99_us'], 1)} | {fmt(r['p999_us'], 1)} | {fmt(r['conns_per_s'])} "
                   f"| {fmt(r['rss_mib'], 1)} | {fmt(r['cpu_s_per_gib'], 2)} | {fmt(r['idle_rss_mib'], 1)} |")
    out += ["", "Ratios (throughput: peer ÷ reference; latency: peer's added RTT over direct ÷ reference's added RTT)",
            "", "| peer | tput 1 ÷ direct | ÷ stunnel | ÷ haproxy | tput 8 ÷ direct | ÷ stunnel | ÷ haproxy "
            "| added p50 ÷ stunnel's | added p99 ÷ stunnel's | conns/s ÷ stunnel | ÷ haproxy |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in l4:
        if r is direct:
            continue
        out.append(f"| {r['name']} "
                   + "".join(f"| {ratio(r[k], ref[k] if ref else None)} " for k in ("throughput_gbps", "throughput_8_gbps")
                             for ref in (direct, stunnel, haproxy))
                   + f"| {added_ratio(r, stunnel, direct, 'p50_us')} | {added_ratio(r, stunnel, direct, 'p99_us')} "
                   + f"| {ratio(r['conns_per_s'], stunnel and stunnel['conns_per_s'])} "
                   + f"| {ratio(r['conns_per_s'], haproxy and haproxy['conns_per_s'])} |")
    out += ["", "### L7: HTTP through three hops (client node, waypoint, server node) vs direct", "",
            "| path | req/s | p50 µs | p99 µs | RSS MiB (proxies) | ÷ direct | ÷ haproxy | p99 ÷ haproxy "
            "| cold req/s, first 10 s | warm-up s |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in l7:
        protocol = r["name"].split(", ", 1)[1]
        ref_direct = next((x for x in l7 if x["name"] == "direct, " + protocol), None)
        ref_haproxy = next((x for x in l7 if x["name"] == "haproxy http mode, " + protocol), None)
        out.append(f"| {r['name']} | {fmt(r['rps'])} | {fmt(r['p50_us'])} | {fmt(r['p99_us'])} | {fmt(r['rss_mib'], 1)} "
                   f"| {ratio(r['rps'], ref_direct and ref_direct['rps'])} "
                   f"| {ratio(r['rps'], ref_haproxy and ref_haproxy['rps'])} "
                   f"| {ratio(r['p99_us'], ref_haproxy and ref_haproxy['p99_us'])} "
                   f"| {fmt(r.get('cold_rps'))} | {fmt(r.get('warmup_s'))} |")
    if s["loopback"]:
        rounds = s["loopback"][0].get("rounds")
        out += ["", f"### L7: the waypoint alone on loopback (WaypointLoopback, medians of {rounds} round(s); no tunnels)",
                "", "| path | req/s | p50 µs | p99 µs | proxy CPU µs/req | ÷ haproxy | p99 ÷ haproxy | CPU/req ÷ haproxy "
                "| errors |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in s["loopback"]:
            protocol = r["name"].split(", ", 1)[1]
            ref = find(s["loopback"], "haproxy, " + protocol)
            # The direct path's CPU is the backend's: nothing to compare with a proxy's.
            cpu_ratio = "–" if r["name"].startswith("direct") \
                else ratio(r["cpu_us_per_request"], ref and ref["cpu_us_per_request"])
            out.append(f"| {r['name']} | {fmt(r['rps'])} | {fmt(r['p50_us'])} | {fmt(r['p99_us'])} "
                       f"| {fmt(r['cpu_us_per_request'], 1)} | {ratio(r['rps'], ref and ref['rps'])} "
                       f"| {ratio(r['p99_us'], ref and ref['p99_us'])} | {cpu_ratio} | {r['errors']} |")
    out += ["", "### Control plane", "", "| what | rate /s | p50 µs | p99 µs | max µs |", "|---|---:|---:|---:|---:|"]
    for r in s["control"]:
        out.append(f"| {r['name']} | {fmt(r.get('rps'))} | {fmt(r.get('p50_us'))} | {fmt(r.get('p99_us'))} "
                   f"| {fmt(r.get('max_us'))} |")
    if s["footprint"]:
        out += ["", "### Footprint: the shipped processes (local mesh, images/jvm options)", "",
                "| process | exec to ready s | RSS MiB at rest | RSS MiB, 1,000 idle conns |", "|---|---:|---:|---:|"]
        for r in s["footprint"]:
            out.append(f"| {r['name']} | {fmt(r['ready_s'], 2)} | {fmt(r['rss_mib'], 1)} | {fmt(r['idle_rss_mib'], 1)} |")
    out += ["", "### Targets", ""] + targets(l4, l7, stunnel, direct) + loopback_targets(s["loopback"]) \
        + footprint_targets(s["footprint"])
    print("\n".join(out))


def added_ratio(row, reference, direct, key):
    if not (row and reference and direct) or None in (row[key], reference[key], direct[key]):
        return "–"
    added, reference_added = row[key] - direct[key], reference[key] - direct[key]
    return f"{added / reference_added:.2f}×" if reference_added > 0 else "–"


def targets(l4, l7, stunnel, direct):
    """The "Must show" of issues 16 (L4) and 18 (waypoint), against the same run's peers."""
    lines = ["| target | measured | met |", "|---|---|---|"]
    haproxy = find(l4, "haproxy")

    def check(what, measured, ok):
        lines.append(f"| {what} | {measured} | {'yes' if ok else '**no**'} |")

    def better(key):  # the better of stunnel and HAProxy
        peers = [p for p in (stunnel, haproxy) if p and p[key] is not None]
        return max(peers, key=lambda p: p[key]) if peers else None

    for r in (x for x in l4 if x["name"].startswith("ambit")):
        for key, label in (("throughput_gbps", "1 stream"), ("throughput_8_gbps", "8 streams")):
            best = better(key)
            if best:
                check(f"{r['name']} {label} ≥ 1.0× the better of stunnel and HAProxy ({best['name']})",
                      ratio(r[key], best[key]), (r[key] or 0) >= best[key])
        if stunnel and direct:
            for key, limit in (("p50_us", 1.0), ("p99_us", 1.5)):
                added = added_ratio(r, stunnel, direct, key)
                check(f"{r['name']} added {key[:3]} ≤ {limit}× stunnel's", added,
                      added != "–" and float(added[:-1]) <= limit)
        if stunnel and r["cpu_s_per_gib"] is not None and stunnel["cpu_s_per_gib"]:
            check(f"{r['name']} CPU s/GiB ≤ stunnel's", ratio(r["cpu_s_per_gib"], stunnel["cpu_s_per_gib"]),
                  r["cpu_s_per_gib"] <= stunnel["cpu_s_per_gib"])
        if stunnel:
            check(f"{r['name']} new conns/s ≥ 1.5× stunnel", ratio(r["conns_per_s"], stunnel["conns_per_s"]),
                  r["conns_per_s"] >= 1.5 * stunnel["conns_per_s"])
        if r["idle_rss_first_mib"] is not None:
            check(f"{r['name']} node agent + tunnel RSS ≤ 144 MiB (96 + 48; stretch 64), 1,000 idle conns",
                  f"{r['idle_rss_first_mib']} MiB", r["idle_rss_first_mib"] <= 144)
    for protocol in ("HTTP/1.1 (wrk)", "HTTP/2 (h2load)"):
        waypoint = find(l7, "ambit waypoint, " + protocol)
        haproxy_l7 = find(l7, "haproxy http mode, " + protocol)
        if waypoint and haproxy_l7:
            check(f"waypoint {protocol} req/s ≥ 1.0× HAProxy HTTP mode", ratio(waypoint["rps"], haproxy_l7["rps"]),
                  waypoint["rps"] >= haproxy_l7["rps"])
            if waypoint["p99_us"] is not None and haproxy_l7["p99_us"]:
                check(f"waypoint {protocol} p99 ≤ 1.5× HAProxy's", ratio(waypoint["p99_us"], haproxy_l7["p99_us"]),
                      waypoint["p99_us"] <= 1.5 * haproxy_l7["p99_us"])
    return lines


def loopback_targets(loopback):
    """Issue 18: the waypoint alone on loopback at 1.2× HAProxy's rate or better, in both protocols."""
    lines = []
    for protocol in ("HTTP/1.1 (wrk)", "HTTP/2 (h2load)"):
        waypoint, haproxy = find(loopback, "waypoint, " + protocol), find(loopback, "haproxy, " + protocol)
        if waypoint and haproxy and haproxy["rps"]:
            met = waypoint["rps"] is not None and waypoint["rps"] >= 1.2 * haproxy["rps"]
            lines.append(f"| waypoint alone on loopback {protocol} req/s ≥ 1.2× HAProxy "
                         f"| {ratio(waypoint['rps'], haproxy['rps'])} | {'yes' if met else '**no**'} |")
    return lines


def footprint_targets(footprint):
    lines = []

    def check(what, measured, limit):
        lines.append(f"| {what} | {measured if measured is not None else '–'} "
                     f"| {'yes' if measured is not None and measured <= limit else '**no**'} |")

    for r in footprint:
        name = r["name"]
        if name.endswith(", rollout"):
            pass  # a restarted node's start-up only: its memory is the rows above
        elif name.startswith("node-agent tunnel"):
            check(f"{name} RSS ≤ 96 MiB, 1,000 idle conns", r["idle_rss_mib"], 96)
        elif name.startswith("node-agent run"):
            check(f"{name} RSS ≤ 48 MiB, 1,000 idle conns", r["idle_rss_mib"], 48)
        elif name == "waypoint":
            check("waypoint RSS at rest ≤ 96 MiB", r["rss_mib"], 96)
        elif name == "controller":
            check("controller RSS serving two nodes ≤ 128 MiB", r["rss_mib"], 128)
        if name != "controller":
            check(f"{name} exec to ready ≤ 2 s", r["ready_s"], 2)
    return lines


COMMANDS = {"l4-row": l4_row, "wrk-row": wrk_row, "h2load-row": h2load_row, "control-rows": control_rows,
            "footprint-row": footprint_row, "loopback-rows": loopback_rows,
            "json": to_json, "markdown": markdown}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
