#!/usr/bin/env python3
"""A babbling talker: sends one frame as fast as one process can for a while.

  babble.py IFACE DST SRC VID PCP SIZE SECONDS [RATE]

RATE: frames per second (default: as fast as it can). Prints the number of frames sent and the rate. The frame is a VLAN-tagged test frame (EtherType
0x88B5) without the probe's marker, so listeners never count it as a stream's frame.
"""
import socket
import struct
import sys
import time


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def main():
    if len(sys.argv) not in (8, 9):
        sys.exit(__doc__)
    iface, dst, src, vid, pcp, size, seconds = sys.argv[1:8]
    rate_limit = float(sys.argv[8]) if len(sys.argv) == 9 else 0.0
    tci = (int(pcp) << 13) | int(vid)
    head = mac(dst) + mac(src) + struct.pack("!HHH", 0x8100, tci, 0x88B5) + b"BABBLE"
    frame = head + bytes(max(0, int(size) - len(head)))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    start = time.monotonic()
    end = start + float(seconds)
    sent = 0
    while time.monotonic() < end:
        if rate_limit and sent > (time.monotonic() - start) * rate_limit:
            time.sleep(0.001)
            continue
        for _ in range(16 if rate_limit else 256):
            try:
                s.send(frame)
                sent += 1
            except OSError:  # socket buffer full: the link is saturated
                pass
    rate = sent / float(seconds)
    print(f"{sent} {rate:.0f}")


if __name__ == "__main__":
    main()
