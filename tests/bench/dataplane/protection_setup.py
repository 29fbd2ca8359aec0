#!/usr/bin/env python3
"""Traffic and takt-bridge/1 configurations for bench_dataplane.sh's protection runs.

    protection_setup.py BENCH_DIR OUT_DIR

net_null cannot carry them: its frames are whatever the mbuf held (zeros at first, then the bytes
an R-TAG insertion or removal left in the recycled buffer), so a stream's identity and an R-TAG's
sequence numbers do not survive the pool's recycling. net_pcap with infinite_rx replays a capture
from memory, copying every frame into a fresh mbuf, and drops what is transmitted; testpmd runs on
the same vdevs for the ratio.

Writes into OUT_DIR:
  a.pcap, b.pcap            4096 frames of 64 bytes, untagged, to stream a (02:00:00:00:00:0a, enters
                            on p1, leaves on p2) and stream b (02:00:00:00:00:0b, p2 -> p1)
  a-rtag.pcap, b-rtag.pcap  the same 64 bytes with an R-TAG in front of the EtherType; sequence
                            numbers 0, 16, ..., 65520: the replay wraps at 2^16 exactly, so the
                            sequence never jumps back. Each step of 16 is inside a vector recovery's
                            history of 32 (every frame passes; the recovery counts 15 lost and one
                            out-of-order per frame: a capture of 65536 frames would hold more mbufs
                            than the pool has)
  pcap-VARIANT.json         plain (static FDB only), hist (a and b are streams: residence histograms),
                            psfp (+ a filter per ingress port with an always-open 2-entry gate list
                            and a meter that never drops), gen (+ FRER sequence generation for both),
                            rec (+ vector recovery, history 32, for both), gcl-plain (plain with
                            null-gcl.json's 8-entry lists), gcl-all (gcl-plain + streams + psfp +
                            generation for a and recovery for b)
"""
import copy
import json
import struct
import sys

bench_dir, out = sys.argv[1], sys.argv[2]
A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
FRAMES, SIZE = 4096, 64
STEP = 65536 // FRAMES


def pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for frame in frames:
            f.write(struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame)


def frame(dst, src, sequence=None):
    header = bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", ""))
    if sequence is not None:
        header += struct.pack(">HHH", 0xF1C1, 0, sequence)
    header += struct.pack(">H", 0x88B5)  # local experimental EtherType
    return header + bytes(SIZE - len(header))


for name, dst, src in (("a", A, "02:00:00:00:00:01"), ("b", B, "02:00:00:00:00:02")):
    pcap(f"{out}/{name}.pcap", [frame(dst, src) for _ in range(FRAMES)])
    pcap(f"{out}/{name}-rtag.pcap", [frame(dst, src, i * STEP) for i in range(FRAMES)])

with open(f"{bench_dir}/null-gcl.json") as f:
    gcl_ports = json.load(f)["ports"]


def plain(gates=False):
    ports = copy.deepcopy(gcl_ports) if gates else [{"name": p, "link-rate-bps": 100000000000} for p in ("p1", "p2")]
    return {"format": "takt-bridge/1", "bridge": "bench", "ports": ports,
            "static-fdb": [{"destination-mac": A, "vlan": 0, "ports": ["p2"]},
                           {"destination-mac": B, "vlan": 0, "ports": ["p1"]}]}


def streams(c):
    c["streams"] = [{"name": n, "destination-mac": m, "vlan": 0, "max-latency": 1000000, "traffic-class": 1}
                    for n, m in (("a", A), ("b", B))]
    return c


def psfp(c):
    gate = {"gate-enabled": True, "admin-gate-states": "open",
            "admin-control-list": [{"index": 0, "gate-state-value": "open", "time-interval-value": 500000},
                                   {"index": 1, "gate-state-value": "open", "time-interval-value": 500000}],
            "admin-cycle-time": {"numerator": 1, "denominator": 1000},
            "admin-base-time": {"seconds": "0", "nanoseconds": 0}}
    # 1 Tb/s and 100 MB of burst: far above what one core forwards, the meter never turns a frame red.
    c["stream-filters"] = [{"stream": s, "port": p, "priority": 0, "max-sdu-size": 1522, "stream-gate": gate,
                            "flow-meter": {"committed-information-rate": 1000000000000,
                                           "committed-burst-size": 100000000}}
                           for s, p in (("a", "p1"), ("b", "p2"))]
    return c


def frer(c, generate, recover):
    c["frer"] = {"sequence-generation": [{"stream": s} for s in generate],
                 "sequence-recovery": [{"stream": s, "algorithm": "vector", "history-length": 32} for s in recover]}
    return c


variants = {
    "plain": plain(),
    "hist": streams(plain()),
    "psfp": psfp(streams(plain())),
    "gen": frer(streams(plain()), ["a", "b"], []),
    "rec": frer(streams(plain()), [], ["a", "b"]),
    "gcl-plain": plain(gates=True),
    "gcl-all": frer(psfp(streams(plain(gates=True))), ["a"], ["b"]),
}
for name, config in variants.items():
    with open(f"{out}/pcap-{name}.json", "w") as f:
        json.dump(config, f, indent=1)
