#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""ingest_wait.py: the route-ingest benchmark's clock on the receiving side. It polls one
daemon at a fixed interval, over a UNIX socket it keeps cheap to ask (no process started
per poll), until the daemon holds N routes, then prints one line of JSON:

  {"t_done": T, "t_before": T0, "polls": K, "count": C, "query_ms": Q}

t_done is the wall-clock time at which the answer of the first poll that saw >= N came
back, t_before the time the poll before it (which saw fewer) was sent: the daemon got there
in (t_before, t_done]. A daemon busy with routes answers late, so t_done is an upper bound.
Both daemons are measured by this same program with the same interval, so the error is the
same for both and bounded by the interval plus one query.

  ingest_wait.py --vtepd /run/vtepd/NAME.sock --routes N [--interval 0.005] [--ready FILE] [--what fdb|vrf]
      counts fdb.entries in `show stats fdb` (vtepctl's protocol: one request per connection), or
      with --what vrf the routes in the VRFs' route tables (`show stats vrfs`: IPv4 and IPv6,
      every VRF)
  ingest_wait.py --frr-vty DIR/bgpd.vty --routes N [--interval 0.005]
      sums pfxRcd over the peers of `show bgp l2vpn evpn summary json`, over one vtysh
      connection to bgpd held open (vtysh's protocol: command NUL, reply ending in 3 NULs
      and a status byte)
"""
import argparse
import json
import socket
import sys
import time


def vtepd_count(path, what="fdb"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    # only the part counted: the whole of `show stats` reads the XDP filters' counters too
    s.sendall(b"json\tshow\tstats\t" + (b"vrfs" if what == "vrf" else b"fdb") + b"\n")
    chunks = []
    while True:
        b = s.recv(65536)
        if not b:
            break
        chunks.append(b)
    s.close()
    status, _, body = b"".join(chunks).partition(b"\n")
    if status != b"0":
        raise RuntimeError("vtepd answered status %r" % status)
    doc = json.loads(body)
    if what == "vrf":
        return sum(v.get("routes_ipv4", 0) + v.get("routes_ipv6", 0) for v in doc.get("vrfs", []))
    return doc["fdb"]["entries"]


class FrrVty:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(path)

    def ask(self, cmd):
        self.s.sendall(cmd.encode() + b"\0")
        buf = b""
        while not (len(buf) >= 4 and buf[-4:-1] == b"\0\0\0"):
            b = self.s.recv(65536)
            if not b:
                raise RuntimeError("bgpd closed the vty connection")
            buf += b
        return buf[:-4].decode(errors="replace")

    def count(self):
        out = self.ask("show bgp l2vpn evpn summary json")
        try:
            doc = json.loads(out)
        except ValueError:
            return 0
        total = 0
        stack = [doc]
        while stack:
            o = stack.pop()
            if isinstance(o, dict):
                if "pfxRcd" in o:
                    total += int(o["pfxRcd"])
                stack.extend(v for k, v in o.items() if k != "pfxRcd")
            elif isinstance(o, list):
                stack.extend(o)
        return total


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--vtepd")
    g.add_argument("--frr-vty")
    ap.add_argument("--routes", type=int, required=True)
    ap.add_argument("--interval", type=float, default=0.005)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--ready", help="a file to create once the first poll was answered")
    ap.add_argument("--what", choices=["fdb", "vrf"], default="fdb", help="vtepd: what to count")
    a = ap.parse_args()

    if a.vtepd:
        count = lambda: vtepd_count(a.vtepd, a.what)
    else:
        vty = FrrVty(a.frr_vty)
        count = vty.count
    start = time.time()
    t_before = start
    polls = 0
    query = 0.0
    while True:
        t = time.time()
        c = count()
        t_answer = time.time()
        query += t_answer - t
        polls += 1
        if polls == 1 and a.ready:
            open(a.ready, "w").close()
        if c >= a.routes:
            print(json.dumps({"t_done": t_answer, "t_before": t_before, "polls": polls, "count": c,
                              "query_ms": round(1000 * query / polls, 3)}))
            return 0
        if t - start > a.timeout:
            print("ingest_wait: timed out with %d of %d routes" % (c, a.routes), file=sys.stderr)
            return 1
        t_before = t
        left = a.interval - (time.time() - t)
        if left > 0:
            time.sleep(left)


if __name__ == "__main__":
    sys.exit(main())
