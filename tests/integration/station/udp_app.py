#!/usr/bin/env python3
"""An unmodified application for station_netns_test.sh: plain UDP sockets, no takt anywhere.

  udp_app.py send HOST PORT COUNT GAP_US PAYLOAD   sends COUNT datagrams GAP_US apart
                                                  (0: back to back), prints how many it sent
                                                  and how long sending took (ns)
  udp_app.py receive PORT SECONDS OUT.json        counts datagrams until SECONDS of silence
                                                  after the first, writes {"received": N}
"""
import json
import socket
import sys
import time


def send(host, port, count, gap_us, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data = b"\xab" * payload
    sent = 0
    start = time.monotonic_ns()
    next_at = time.monotonic()
    for _ in range(count):
        if gap_us:
            # A periodic application: one send per period; a late wake-up is not made up for
            # with a burst.
            next_at = max(next_at + gap_us / 1e6, time.monotonic())
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        try:
            s.sendto(data, (host, port))
            sent += 1
        except OSError:
            pass  # a queue that dropped it counts as not sent
    print(sent, time.monotonic_ns() - start)


def receive(port, seconds, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind(("0.0.0.0", port))
    open(out + ".ready", "w").close()
    received = 0
    s.settimeout(30)
    try:
        while True:
            s.recv(65536)
            received += 1
            s.settimeout(seconds)
    except socket.timeout:
        pass
    with open(out, "w") as f:
        json.dump({"received": received}, f)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif sys.argv[1] == "receive":
        receive(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
