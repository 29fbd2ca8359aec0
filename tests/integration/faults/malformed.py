#!/usr/bin/env python3
"""Sends a mix of malformed frames, round robin, for a while.

  malformed.py IFACE SRC SECONDS RATE [NAME=]KIND:DST:VID:PCP...

RATE: frames per second over all kinds (0: as fast as one process can). VID "-" sends the kind
untagged. Prints one JSON object: per kind the frames the kernel accepted ("sent") and refused
("refused", e.g. frames shorter than an Ethernet header), under NAME (default: the kind). Kinds:
  runt-6 runt-13            shorter than an Ethernet header (a veth refuses them)
  runt-14 runt-40           a complete header (EtherType 0x88B5) and nothing or little after it
  vlan-cut-14 vlan-cut-16   TPID 0x8100 with the TCI cut off; with the TCI but no EtherType
  stag-cut                  TPID 0x88A8 and nothing after it
  qinq-cut                  S-tag, then TPID 0x8100 and nothing after it
  rtag-cut2 rtag-cut4       (tagged) R-TAG EtherType 0xF1C1, cut 2 and 4 octets into the tag
  rtag-cut6                 a whole R-TAG but no EtherType behind it
  unknown-type              64 B, EtherType 0x1234
  oversize-N                N bytes, EtherType 0x88B5 (larger than the stream's max SDU, or 9000)
"""
import json
import socket
import struct
import sys
import time


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def frame(kind, dst, src, vid, pcp):
    tag = b"" if vid == "-" else struct.pack("!HH", 0x8100, (int(pcp) << 13) | int(vid))
    head = mac(dst) + mac(src)
    if kind.startswith("runt-") and int(kind[5:]) < 14:
        return (head + b"\x88\xb5")[: int(kind[5:])]
    if kind.startswith("runt-"):
        f = head + tag + b"\x88\xb5"
        return (f + bytes(64))[: max(int(kind[5:]), len(f))]
    if kind == "vlan-cut-14":
        return head + b"\x81\x00"
    if kind == "vlan-cut-16":
        return head + struct.pack("!HH", 0x8100, (int(pcp or 0) << 13) | int(vid if vid != "-" else 1))
    if kind == "stag-cut":
        return head + b"\x88\xa8"
    if kind == "qinq-cut":
        return head + struct.pack("!HHH", 0x88A8, 1, 0x8100)
    if kind == "rtag-cut2":
        return head + tag + b"\xf1\xc1"
    if kind == "rtag-cut4":
        return head + tag + b"\xf1\xc1\x00\x00"
    if kind == "rtag-cut6":
        return head + tag + b"\xf1\xc1\x00\x00\x00\x07"
    if kind == "unknown-type":
        f = head + tag + b"\x12\x34MALFORMED"
        return f + bytes(max(0, 64 - len(f)))
    if kind.startswith("oversize-"):
        f = head + tag + b"\x88\xb5OVERSIZE"
        return f + bytes(max(0, int(kind[9:]) - len(f)))
    sys.exit(f"unknown kind {kind}")


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    iface, src, seconds, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    kinds = []
    for spec in sys.argv[5:]:
        kind, dst, vid, pcp = spec.split(":", 1)[0], *spec.split(":", 1)[1].rsplit(":", 2)
        name, _, kind = kind.rpartition("=")
        kinds.append((name or kind, frame(kind, dst, src, vid, pcp)))
    sent = {k: 0 for k, _ in kinds}
    refused = {k: 0 for k, _ in kinds}
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    start = time.monotonic()
    end = start + seconds
    total = 0
    while time.monotonic() < end:
        if rate and total > (time.monotonic() - start) * rate:
            time.sleep(0.001)
            continue
        for _ in range(4):
            for kind, data in kinds:
                total += 1
                try:
                    s.send(data)
                    sent[kind] += 1
                except OSError:  # too short for the device, too long for its MTU, or the queue is full
                    refused[kind] += 1
    print(json.dumps({k: {"sent": sent[k], "refused": refused[k], "bytes": len(d)} for k, d in kinds}))


if __name__ == "__main__":
    main()
