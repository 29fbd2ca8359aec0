#!/usr/bin/env python3
"""Writes the binary seeds of tests/fuzz/corpus/frame and ptp_management (run from anywhere).

The JSON, CSV and YAML seeds are copies of fixtures (see README.md); these two are bytes, built
the way the unit tests build them."""
import os
import struct
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'frame')
def mac(v): return v.to_bytes(6, 'big')
def vlan(tpid, pcp, dei, vid): return struct.pack('>HH', tpid, (pcp << 13) | (0x1000 if dei else 0) | vid)
def ipv4_udp(src, dst, sport, dport, payload=0, frag=0, proto=17):
    h = struct.pack('>BBHHHBBH', 0x45, 0, 20 + 8 + payload, 0, frag, 64, proto, 0) + bytes(src) + bytes(dst)
    return h + struct.pack('>HHHH', sport, dport, 8 + payload, 0) + bytes(payload)
def ipv6_tcp(src, dst, sport, dport, ext=0):
    nh = 6 if ext == 0 else 0
    body = b''
    for i in range(ext):  # hop-by-hop / destination options headers, 8 bytes each
        body += bytes([6 if i == ext - 1 else 60, 0]) + bytes(6)
    tcp = struct.pack('>HHIIBBHHH', sport, dport, 0, 0, 0x50, 0x02, 1024, 0, 0)
    body += tcp
    return struct.pack('>IHBB', 0x60000000, len(body), nh, 64) + bytes(src) + bytes(dst) + body
def rec(frame, port=1, burst=False, step=0):
    return bytes([port | (8 if burst else 0) | (step << 4)]) + struct.pack('>H', len(frame)) + frame
S, D, M, LL = 0x020000000001, 0x020000000002, 0x01005e000010, 0x0180c200000e
best = mac(D) + mac(S) + struct.pack('>H', 0x88B5) + bytes(46)
ctag = mac(D) + mac(S) + vlan(0x8100, 6, False, 100) + struct.pack('>H', 0x88B5) + bytes(46)
sctag = mac(D) + mac(S) + vlan(0x88A8, 5, True, 100) + vlan(0x8100, 1, False, 7) + struct.pack('>H', 0x88B5) + bytes(46)
v4 = mac(0x020000000009) + mac(S) + struct.pack('>H', 0x0800) + ipv4_udp([10,0,0,1], [10,0,0,2], 5000, 6000, 18)
v4frag = mac(0x020000000009) + mac(S) + struct.pack('>H', 0x0800) + ipv4_udp([10,0,0,1], [10,0,0,2], 5000, 6000, 18, frag=0x2000)
fd = [0xfd] + [0] * 14
v6 = mac(0x333300000001) + mac(S) + vlan(0x8100, 3, False, 0) + struct.pack('>H', 0x86DD) + ipv6_tcp(fd + [1], fd + [2], 1, 2)
v6ext = mac(0x333300000001) + mac(S) + struct.pack('>H', 0x86DD) + ipv6_tcp(fd + [1], fd + [2], 1, 2, ext=3)
seeds = {
    'best-effort-learn-and-repeat': rec(best, 1, True) + rec(best, 1) + rec(mac(S) + mac(D) + best[12:], 2, True),
    'c-tagged-stream': rec(ctag, 1, True) + rec(ctag, 1) + rec(ctag[:16], 1),
    's-and-c-tagged': rec(sctag, 3, True) + rec(sctag[:20], 3),
    'multicast-stream': rec(mac(M) + mac(S) + vlan(0x8100, 7, False, 100) + struct.pack('>H', 0x88B5) + bytes(46), 0, True),
    'link-local': rec(mac(LL) + mac(S) + struct.pack('>H', 0x88CC) + bytes(46), 4, True),
    'ipv4-udp-stream': rec(v4, 2, True) + rec(v4frag, 2),
    'ipv6-tcp-stream': rec(v6, 5, True) + rec(v6ext, 5),
    'truncated': rec(best[:13], 1, True) + rec(ctag[:15], 1) + rec(v4[:30], 1),
    'ageing': rec(best, 1, True) + rec(best, 2, True, 15) + rec(mac(S) + mac(0x02000000000a) + best[12:], 3, True, 15),
    'learning-table-full': b''.join(rec(mac(D) + mac(0x020000000100 + i) + best[12:], 1 + i % 6, True) for i in range(7)),
}
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    open(os.path.join(out, name + '.bin'), 'wb').write(data)


# ptp_management: datagrams as ptp4l sends them, from the byte strings of tests/unit/ptp
# (management_message_test.cpp, data_sets_test.cpp, management_client_test.cpp).
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ptp_management')
h = lambda s: bytes.fromhex(s.replace(' ', ''))
header = h("0d02 0068 00 00 0000 0000000000000000 00000000 0eeb4dfffef4fac8 0000 0008 04 7f"
           "0000000000000000 37b9 00 00 02 00")
def response(mid, data):
    if len(data) % 2: data += b'\0'
    tlv = h("0001") + (2 + len(data)).to_bytes(2, 'big') + mid.to_bytes(2, 'big') + data
    return datagram(tlv)
def datagram(tlv, hdr=header):
    b = bytearray(hdr + tlv)
    b[2:4] = len(b).to_bytes(2, 'big')
    return bytes(b)
seeds = {
    'get-time-status-request': h("0d02 0036 00 00 0000 0000000000000000 00000000 0000000000000000 36fd 0000 04 7f"
                                 "ffffffffffffffff ffff 00 00 00 00  0001 0002 c000"),
    'time-status-response': h("0d02 0068 00 00 0000 0000000000000000 00000000 0eeb4dfffef4fac8 0000 0008 04 7f"
                              "0000000000000000 37b9 00 00 02 00 0001 0034 c000"
                              "ffffffffffffffc5 18eaaff0214e4508 00000000 00000000 0000 000000000000000000000000 00000001 6261fbfffed94217"),
    'port-data-set': response(0x2004, h("0eeb4dfffef4fac8 0001 09 00 0000000006938000 01 03 fd 02 00 02")),
    'time-properties': response(0x2003, h("0025 00 a0")),
    'parent-data-set': response(0x2002, h("6261fbfffed94217 0001 00 00 ffff 7fffffff 64 f8 fe ffff f8 6261fbfffed94217")),
    'default-data-set': response(0x2000, h("03 00 0002 80 f8 fe ffff 80 0eeb4dfffef4fac8 18 00")),
    'current-data-set': response(0x2001, h("0001 0000000000480000 000000000b080000")),
    'synchronization-uncertain': response(0xC006, h("ff00")),
    'error-status': datagram(h("0002 000c 0006 c005 00000000 02 6e6f 00")),
}
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    open(os.path.join(out, name + '.bin'), 'wb').write(data)
