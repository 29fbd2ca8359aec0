#!/usr/bin/env python3
"""The traffic and the expectations of dataplane_netns_test.sh, derived from the bridge
configuration takt-dataplane runs (and, when taktctl made it, from the plan it came from).

  scenario.py BRIDGE.json [PLAN.json] OUTDIR

writes OUTDIR/h1-plan.json and OUTDIR/h2-plan.json (frames.py send plans) and
OUTDIR/scenario.json (what check_results.py asserts). Nothing about the schedule is hard-coded:

  motion  the stream whose traffic class its egress port's gates hold back most (with a plan
          it must be the scheduled stream); its windows are the runs of gate entries that
          open that class, and with a plan they must be exactly the plan's windows there.
          Where its stream filter at h1's port has a gate with an IPV, it is sent with the
          filter's priority and expected in the egress port's class of the IPV.
  io      the other stream: bounded, multicast to two ports, open outside motion's windows.
  bcast   best-effort broadcast from h1 at PCP 0 (flooded; teaches the bridge where h1 is).
  reply   best-effort unicast from h2 to h1 at PCP 0 (forwarded on the learned entry).
  link    from h1 to 01:80:c2:00:00:0e (PTP peer delay, LLDP): an 802.1Q reserved address the
          bridge filters, so it reaches no port.
"""
import json
import sys
from fractions import Fraction

MOTION, IO, BCAST, REPLY, LINK_LOCAL = 1, 2, 3, 4, 5
COUNTS = {MOTION: 1000, IO: 100, BCAST: 50, REPLY: 50, LINK_LOCAL: 20}
H1, H2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
STATION_PORT = {"h1": "p1", "h2": "p2", "h3": "p3"}  # scripts/testbed.sh wiring


def fail(msg):
    sys.exit(f"scenario: {msg}")


def gate_windows(port, tc):
    """[start, length) runs in the cycle where tc's gate is open; cycle and base in ns."""
    g = port.get("gate-parameter-table", {})
    entries = sorted(g.get("admin-control-list", {}).get("gate-control-entry", []), key=lambda e: e["index"])
    if not g.get("gate-enabled") or not entries:
        return None
    ct = g["admin-cycle-time"]
    cycle = Fraction(ct["numerator"], ct["denominator"]) * 1_000_000_000
    if cycle.denominator != 1:
        fail(f"port {port['name']}: cycle time {cycle} ns is not whole nanoseconds")
    cycle = int(cycle)
    bt = g["admin-base-time"]
    base = int(bt["seconds"]) * 1_000_000_000 + bt["nanoseconds"]
    runs, t = [], 0
    for e in entries:
        length = min(e["time-interval-value"], cycle - t)
        if length <= 0:
            break
        if (e["gate-states-value"] >> tc) & 1:
            if runs and runs[-1][0] + runs[-1][1] == t:
                runs[-1][1] += length
            else:
                runs.append([t, length])
        t += length
    if t < cycle and (entries[-1]["gate-states-value"] >> tc) & 1:  # last entry holds to the cycle end
        if runs and runs[-1][0] + runs[-1][1] == t:
            runs[-1][1] += cycle - t
        else:
            runs.append([t, cycle - t])
    # A run reaching the cycle end continues into the next cycle's first run.
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][0] + runs[-1][1] == cycle:
        runs[-1][1] += runs[0][1]
        runs.pop(0)
    return {"cycle_ns": cycle, "base_ns": base, "windows": [tuple(r) for r in runs]}


def gated_on(port, tc):
    """True when the class's gate closes at some point of the port's cycle."""
    s = gate_windows(port, tc)
    return s is not None and s["windows"] != [(0, s["cycle_ns"])]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        bridge = json.load(f)
    plan = None
    if len(sys.argv) == 4:
        with open(sys.argv[2]) as f:
            plan = json.load(f)
    out = sys.argv[-1]

    ports = {p["name"]: p for p in bridge["ports"]}
    if sorted(ports) != ["p1", "p2", "p3"]:
        fail(f"the testbed has ports p1..p3, the configuration {sorted(ports)}")
    fdb = {(e["destination-mac"], e["vlan"]): e["ports"] for e in bridge.get("static-fdb", [])}

    def prio_map(port):
        return port.get("priority-to-traffic-class", [1, 0, 2, 3, 4, 5, 6, 7])

    # 802.1Qci: a stream filter at h1's port whose stream gate has an IPV queues the stream's
    # frames as that priority (priority_to_tc[ipv]); the frames keep their PCP, the filter's.
    ipv_of = {}
    for f in bridge.get("stream-filters", []):
        if f["port"] == STATION_PORT["h1"] and f.get("stream-gate", {}).get("ipv") is not None:
            if f.get("priority") is None:
                fail(f"the IPV filter of {f['stream']} needs a priority: the frames are sent with it")
            ipv_of[f["stream"]] = (f["priority"], f["stream-gate"]["ipv"])

    streams = {}
    for s in bridge.get("streams", []):
        egress = fdb.get((s["destination-mac"], s["vlan"]))
        if not egress:
            fail(f"stream {s['name']} has no static FDB entry")
        gated = [p for p in egress if gated_on(ports[p], s["traffic-class"])]
        queued_as = ipv_of.get(s["name"], (None, None))[1]
        if plan:
            pcp = next(ps["pcp"] for ps in plan["streams"] if ps["name"] == s["name"])
        elif queued_as is not None:  # the filter's priority, queued as the IPV
            pcp = ipv_of[s["name"]][0]
        else:  # the first priority the egress port queues in the stream's class
            pcp = prio_map(ports[egress[0]]).index(s["traffic-class"])
        streams[s["name"]] = {"dst": s["destination-mac"], "vid": s["vlan"], "pcp": pcp, "egress": egress,
                              "tc": s["traffic-class"], "gated": gated, "max_latency_ns": s["max-latency"],
                              "queued_as": pcp if queued_as is None else queued_as}
    def open_share(name):  # of the cycle, on the stream's gated port; 1 when never gated
        st = streams[name]
        if not st["gated"]:
            return 1.0
        g = gate_windows(ports[st["gated"][0]], st["tc"])
        return sum(length for _, length in g["windows"]) / g["cycle_ns"]

    # The scheduled stream is the one its gate holds back most: open only in its windows.
    motion = sorted((n for n in streams if streams[n]["gated"]), key=open_share)[:1]
    io = [n for n, s in streams.items() if n not in motion and len(s["egress"]) == 2]
    if len(motion) != 1 or len(io) != 1:
        fail(f"need one gated stream and one two-port stream, got {motion} and {io}")
    m, i = streams[motion[0]], streams[io[0]]
    if len(m["gated"]) != 1 or len(m["egress"]) != 1:
        fail(f"stream {motion[0]} should leave through one gated port, not {m['egress']}")
    gated_port = m["gated"][0]
    schedule = gate_windows(ports[gated_port], m["tc"])

    if plan:
        if plan["streams"] and next(ps for ps in plan["streams"] if ps["name"] == motion[0])["traffic-class"] != "scheduled":
            fail(f"the gated stream {motion[0]} is not the plan's scheduled stream")
        pp = next((p for p in plan["ports"] if p["port"] == {"node": bridge["bridge"], "port": gated_port}), None)
        if pp is None:
            fail(f"plan.json has no port {bridge['bridge']}:{gated_port}")
        planned = sorted((w["start-ns"], w["length-ns"]) for w in pp["windows"] if w["traffic-class"] == m["tc"])
        if pp["cycle-time-ns"] != schedule["cycle_ns"] or planned != sorted(schedule["windows"]):
            fail(f"the bridge configuration's gate windows {schedule} differ from the plan's {planned} "
                 f"(cycle {pp['cycle-time-ns']} ns) for {bridge['bridge']}:{gated_port}")

    def tcs(pcp):  # traffic class per egress port, each port by its own map
        return {name: prio_map(p)[pcp] for name, p in ports.items()}

    kinds = {
        MOTION: {"stream": motion[0], "dst": m["dst"], "vid": m["vid"], "pcp": m["pcp"], "from": "h1",
                 "to": [h for h, p in STATION_PORT.items() if p in m["egress"]], "egress": m["egress"],
                 "max_latency_ns": m["max_latency_ns"], "queued_as": m["queued_as"]},
        IO: {"stream": io[0], "dst": i["dst"], "vid": i["vid"], "pcp": i["pcp"], "from": "h1",
             "to": [h for h, p in STATION_PORT.items() if p in i["egress"]], "egress": i["egress"],
             "queued_as": i["queued_as"]},
        BCAST: {"stream": None, "dst": "ff:ff:ff:ff:ff:ff", "vid": m["vid"], "pcp": 0, "from": "h1",
                "to": ["h2", "h3"], "egress": ["p2", "p3"]},
        REPLY: {"stream": None, "dst": H1, "vid": m["vid"], "pcp": 0, "from": "h2", "to": ["h1"], "egress": ["p1"]},
        LINK_LOCAL: {"stream": None, "dst": "01:80:c2:00:00:0e", "vid": m["vid"], "pcp": 0, "from": "h1", "to": [],
                     "egress": []},
    }
    for k, v in kinds.items():
        v["count"] = COUNTS[k]
        v["tc"] = {p: tcs(v.get("queued_as", v["pcp"]))[p] for p in v["egress"]}
    if sorted(kinds[IO]["to"]) != ["h2", "h3"]:
        fail(f"stream {io[0]} should reach h2 and h3, its ports are {i['egress']}")
    if kinds[MOTION]["to"] != ["h2"]:
        fail(f"stream {motion[0]} should reach h2 only, its ports are {m['egress']}")

    def send_plan(seed, station, gaps):
        groups = [{"dst": v["dst"], "src": H1 if station == "h1" else H2, "vid": v["vid"], "pcp": v["pcp"], "kind": k,
                   "count": v["count"], "size": 200 if k == IO else 64 if k != BCAST else 100, "gap_us": gaps}
                  for k, v in kinds.items() if v["from"] == station]
        return {"seed": seed, "groups": groups}

    with open(f"{out}/h1-plan.json", "w") as f:
        json.dump(send_plan(7, "h1", [20, 300]), f)
    with open(f"{out}/h2-plan.json", "w") as f:
        json.dump(send_plan(8, "h2", [20, 100]), f)
    with open(f"{out}/scenario.json", "w") as f:
        json.dump({"kinds": {str(k): v for k, v in kinds.items()}, "gated_port": gated_port, "gated_tc": m["tc"],
                   "schedule": schedule, "from_plan": plan is not None,
                   # A station with a static FDB entry is never learned (802.1Q: static wins).
                   "learnable": {"h1": (H1, m["vid"]) not in fdb, "h2": (H2, m["vid"]) not in fdb}}, f, indent=1)
    ipv = f", IPV {m['queued_as']}" if m["queued_as"] != m["pcp"] else ""
    print(f"scenario: {motion[0]} (PCP {m['pcp']}{ipv}, tc {m['tc']}) gated on {gated_port}: windows "
          f"{schedule['windows']} of every {schedule['cycle_ns']} ns cycle; {io[0]} (PCP {i['pcp']}) to "
          f"{i['egress']}" + (" (from taktctl plan)" if plan else ""))


if __name__ == "__main__":
    main()
