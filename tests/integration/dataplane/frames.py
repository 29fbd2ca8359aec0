#!/usr/bin/env python3
"""Raw Ethernet frames for the dataplane integration test, with nothing but the standard library.

  frames.py send IFACE PLAN.json       sends the frames a plan lists (see send())
  frames.py capture IFACE OUT.json     records marked frames until SIGTERM/SIGINT

Every test frame carries the marker b"TAKT", a kind byte and a sequence number after an
IEEE 802.1Q tag, with the local experimental EtherType 0x88B5. Capture reads the VLAN tag from
PACKET_AUXDATA (the kernel strips tags into metadata before packet sockets see them) and the
receive time from SO_TIMESTAMPNS (CLOCK_REALTIME, ns).
"""
import json
import random
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
SO_TIMESTAMPNS = 35
TP_STATUS_VLAN_VALID = 1 << 4
PACKET_OUTGOING = 4
ETHERTYPE_TEST = 0x88B5
MARKER = b"TAKT"


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def mac_text(raw):
    return ":".join(f"{b:02x}" for b in raw)


def frame(dst, src, vid, pcp, kind, seq, size):
    tci = (pcp << 13) | vid
    payload = MARKER + struct.pack("!BI", kind, seq)
    body = mac_bytes(dst) + mac_bytes(src) + struct.pack("!HH", 0x8100, tci) + struct.pack("!H", ETHERTYPE_TEST) + payload
    return body + bytes(max(0, size - len(body)))


def send(iface, plan_path):
    """plan: {"groups": [{"dst", "src", "vid", "pcp", "kind", "count", "size", "gap_us": [lo, hi]}]}
    Groups are interleaved at random so classes mix on the wire; gaps are random in [lo, hi] us
    so frames of a gated class arrive at every phase of the cycle."""
    with open(plan_path) as f:
        plan = json.load(f)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    rng = random.Random(plan.get("seed", 1))
    todo = []
    for g in plan["groups"]:
        for seq in range(g["count"]):
            todo.append((g, seq))
    rng.shuffle(todo)
    # Sequence numbers per group stay in order on the wire even though groups interleave.
    next_seq = {}
    for g, _ in todo:
        key = g["kind"]
        seq = next_seq.get(key, 0)
        next_seq[key] = seq + 1
        s.send(frame(g["dst"], g["src"], g["vid"], g["pcp"], g["kind"], seq, g.get("size", 64)))
        lo, hi = g.get("gap_us", [50, 250])
        deadline = time.perf_counter() + rng.uniform(lo, hi) * 1e-6
        while time.perf_counter() < deadline:
            pass
    s.close()


def capture(iface, out_path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, 0))
    s.settimeout(0.1)
    records = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    with open(out_path + ".ready", "w") as f:
        f.write("ready\n")
    while not stop:
        try:
            data, anc, _flags, addr = s.recvmsg(4096, 1024)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        ts_ns = None
        vid = pcp = None
        for level, ctype, cdata in anc:
            if level == socket.SOL_SOCKET and ctype == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", cdata[:16])
                ts_ns = sec * 1_000_000_000 + nsec
            elif level == SOL_PACKET and ctype == PACKET_AUXDATA:
                status, _len, _snap, _mac, _net, tci, _tpid = struct.unpack("IIIHHHH", cdata[:20])
                if status & TP_STATUS_VLAN_VALID:
                    vid, pcp = tci & 0x0FFF, tci >> 13
        offset = 12
        if vid is None and len(data) >= 18 and struct.unpack("!H", data[12:14])[0] == 0x8100:
            tci = struct.unpack("!H", data[14:16])[0]
            vid, pcp = tci & 0x0FFF, tci >> 13
            offset = 16
        if len(data) < offset + 11 or struct.unpack("!H", data[offset:offset + 2])[0] != ETHERTYPE_TEST:
            continue
        payload = data[offset + 2:]
        if payload[:4] != MARKER:
            continue
        kind, seq = struct.unpack("!BI", payload[4:9])
        records.append({"dst": mac_text(data[0:6]), "src": mac_text(data[6:12]), "vid": vid, "pcp": pcp,
                        "kind": kind, "seq": seq, "ts_ns": ts_ns})
    with open(out_path, "w") as f:
        json.dump(records, f)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("send", "capture"):
        sys.exit(__doc__)
    {"send": send, "capture": capture}[sys.argv[1]](sys.argv[2], sys.argv[3])
