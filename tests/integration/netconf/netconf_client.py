#!/usr/bin/env python3
"""A plain NETCONF 1.0 client over the ssh command, for the tests to look at and to change a
server behind takt's back: sends each RPC body given, prints each reply on one line.

  netconf_client.py PORT KEY KNOWN_HOSTS [--hold FLAG_FILE] RPC...

RPC is what goes inside <rpc>, e.g. '<get-config><source><running/></source></get-config>'.
Exits 1 if the session closes or a reply does not come within 20 s, 2 if a reply holds an
<rpc-error>. With --hold, after the last reply it creates FLAG_FILE and keeps the session
(and any lock it took) open until killed.
"""
import subprocess
import sys
import time

END = b"]]>]]>"
NS = "urn:ietf:params:xml:ns:netconf:base:1.0"


def main():
    args = sys.argv[1:]
    port, key, known = args[:3]
    rpcs = args[3:]
    hold = None
    if rpcs[:1] == ["--hold"]:
        hold, rpcs = rpcs[1], rpcs[2:]
    p = subprocess.Popen(["ssh", "-p", port, "-i", key, "-o", "UserKnownHostsFile=" + known,
                          "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
                          "-o", "LogLevel=ERROR", "root@127.0.0.1", "-s", "netconf"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    deadline = time.time() + 20
    data = b""

    def read_until(done):
        nonlocal data
        while not done():
            if time.time() > deadline:
                sys.exit("no reply from the server on port %s within 20 s" % port)
            chunk = p.stdout.read1(65536)
            if not chunk:
                sys.exit("the server on port %s closed the session" % port)
            data += chunk

    # netconfd drops what arrives before it has sent its own hello: wait for it first.
    read_until(lambda: END in data)
    data = data[data.index(END) + len(END):]
    p.stdin.write(('<?xml version="1.0" encoding="UTF-8"?><hello xmlns="%s"><capabilities>'
                   '<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>' % NS).encode()
                  + END)
    p.stdin.flush()
    time.sleep(0.5)  # and what arrives in the same read as our hello, after it
    status = 0
    for n, body in enumerate(rpcs, start=1):
        p.stdin.write(('<rpc message-id="%d" xmlns="%s">%s</rpc>' % (n, NS, body)).encode() + END)
        p.stdin.flush()
        tag = b'message-id="%d"' % n
        read_until(lambda: any(tag in r for r in data.split(END)[:-1]))
        replies = data.split(END)
        reply = next(r for r in replies[:-1] if tag in r)
        data = END.join(r for r in replies if r is not reply)
        print(reply.decode().replace("\n", ""), flush=True)
        if b"rpc-error" in reply:
            status = 2
    if hold:
        open(hold, "w").close()
        time.sleep(3600)
    p.stdin.write(('<rpc message-id="0" xmlns="%s"><close-session/></rpc>' % NS).encode() + END)
    p.stdin.close()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
    sys.exit(status)


main()
