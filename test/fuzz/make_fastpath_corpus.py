#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed inputs for fuzz_fastpath (test/fuzz/corpus/fastpath): one file per path through the fast
path, in its record format [flags][length, 2 bytes LE][frame], against fuzz_fastpath.c's topology.
  python3 test/fuzz/make_fastpath_corpus.py test/fuzz/corpus/fastpath"""
import os
import struct
import sys

U, A, B, X = 0, 1, 2, 3
CHAIN = 4


def mac(i):
    return bytes([2, 0, 0, 0, 0, i])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(src, dst, proto, payload, df=False, ident=1, frag=0, mf=False, ttl=64):
    off = (0x4000 if df else 0) | (0x2000 if mf else 0) | frag
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, off, ttl, proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ip6(payload, size):
    return struct.pack("!IHBB", 0x60000000, size, 17, 64) + bytes(15) + b"\1" + bytes(15) + b"\2" + payload


def vxlan(vni, inner, src=(10, 0, 0, 2)):
    v = struct.pack("!II", 0x08000000, vni << 8) + inner
    return eth(mac(0x01), mac(0x02), 0x0800, ip4(src, (10, 0, 0, 1), 17, udp(49152, 4789, v)))


def inner_ip(dst, src, size, df=False):
    return eth(mac(dst), mac(src), 0x0800, ip4((192, 168, 0, src), (192, 168, 0, dst), 17, udp(1000, 2000, bytes(size)), df=df))


def arp_request(src, spa, tpa):
    a = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac(src) + bytes(spa) + bytes(6) + bytes(tpa)
    return eth(b"\xff" * 6, mac(src), 0x0806, a)


GW_MAC = bytes([0, 0, 0x22, 0x22, 0x33, 0x33])     # VNI 100's anycast gateway: 192.168.0.1, 2001:db8::1
GW4 = (192, 168, 0, 1)
GW6 = bytes.fromhex("20010db8000000000000000000000001")
GW_LL6 = bytes.fromhex("fe80000000000000020022fffe223333")
HOST6 = bytes.fromhex("20010db800000000000000000000000a")
RMAC = bytes([2, 0, 0, 0, 0x0E, 1])                # our router MAC in the VRF, L3 VNI 900001
REMOTE_RMAC = bytes([2, 0, 0, 0, 9, 9])            # the remote leaf's (VTEP 0, 10.98.0.0/16, 2001:db8:98::/48)
REMOTE6 = bytes.fromhex("20010db8009800000000000000000001")
L3VNI = 900001


def irb4(dst, size, ttl=64, df=True, dst_mac=RMAC):
    """A packet a remote leaf routed to us over the L3 VNI, from a host behind it."""
    return icmp4_echo(dst_mac, (10, 98, 1, 1), dst, size, ttl=ttl, src_mac=REMOTE_RMAC, df=df)


def icmp4_echo(dst_mac, src, dst, size, frag=0, mf=False, ttl=64, src_mac=mac(0x0A), df=True):
    m = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + bytes(range(256)) * (size // 256) + bytes(size % 256)
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    return eth(dst_mac, src_mac, 0x0800, ip4(src, dst, 1, m, df=df, frag=frag, mf=mf, ttl=ttl))


def icmp6(dst_mac, src6, dst6, msg, hop=255, nh=58, src_mac=mac(0x0A)):
    ph = src6 + dst6 + struct.pack("!IxxxB", len(msg), 58)
    msg = msg[:2] + struct.pack("!H", csum(ph + msg[:2] + b"\0\0" + msg[4:])) + msg[4:]
    return eth(dst_mac, src_mac, 0x86DD, struct.pack("!IHBB", 0x60000000, len(msg), nh, hop) + src6 + dst6 + msg)


def solicited(a):
    return bytes.fromhex("ff0200000000000000000001ff") + a[13:]


def ns(target, dst6=None, src6=HOST6, slla=True, hop=255):
    dst6 = dst6 or solicited(target)
    msg = struct.pack("!BBHI", 135, 0, 0, 0) + target + (b"\1\1" + mac(0x0A) if slla else b"")
    return icmp6(b"\x33\x33" + dst6[12:], src6, dst6, msg, hop)


def na(dst_mac, dst6, target, flags=0x60, tlla=True, src6=HOST6):
    msg = struct.pack("!BBHI", 136, 0, 0, flags << 24) + target + (b"\2\1" + mac(0x0A) if tlla else b"")
    return icmp6(dst_mac, src6, dst6, msg)


def echo6(dst6, size):
    return icmp6(GW_MAC, HOST6, dst6, struct.pack("!BBHHH", 128, 0, 0, 0x1234, 1) + bytes(size), hop=64)


def rec(port, frame, flags=0):
    return bytes([port | flags]) + struct.pack("<H", len(frame)) + frame


big_vxlan = vxlan(100, inner_ip(0x0A, 0xA0, 1400))
ip_part = big_vxlan[14:]
hdr, body = ip_part[:20], ip_part[20:]
frag1 = eth(mac(1), mac(2), 0x0800, ip4((10, 0, 0, 2), (10, 0, 0, 1), 17, body[:800], ident=7, mf=True))
frag2 = eth(mac(1), mac(2), 0x0800, ip4((10, 0, 0, 2), (10, 0, 0, 1), 17, body[800:], ident=7, frag=100))

STD, JUMBO = b"\0", b"\1"
seeds = {
    "encap_unicast": STD + rec(A, inner_ip(0xA0, 0x0A, 100)),
    "encap_unresolved": STD + rec(A, inner_ip(0xA1, 0x0A, 100)),
    "encap_fragment": STD + rec(A, inner_ip(0xA0, 0x0A, 1600), CHAIN),
    "encap_frag_needed": STD + rec(A, inner_ip(0xA0, 0x0A, 1600, df=True), CHAIN),
    "encap_ipv6_too_big": STD + rec(A, eth(mac(0xA0), mac(0x0A), 0x86DD, ip6(bytes(1600), 1600)), CHAIN),
    "arp_suppressed": STD + rec(A, arp_request(0x0A, (192, 168, 0, 10), (192, 168, 0, 160))),
    "flood_broadcast": STD + rec(A, eth(b"\xff" * 6, mac(0x0A), 0x0800, bytes(64))),
    "decap_unicast": STD + rec(U, vxlan(100, inner_ip(0x0A, 0xA0, 100))),
    "decap_port_mtu": STD + rec(U, vxlan(200, inner_ip(0x0B, 0xA0, 1440))),
    "decap_learn_flood": STD + rec(U, vxlan(100, eth(b"\xff" * 6, mac(0xA5), 0x0806, bytes(28)))),
    "decap_reassembly": STD + rec(U, frag1) + rec(U, frag2),
    "underlay_to_kernel": STD + rec(U, arp_request(0x02, (10, 0, 0, 2), (10, 0, 0, 1))),
    "exception_out": STD + rec(X, arp_request(0x01, (10, 0, 0, 1), (10, 0, 0, 2))),
    "outer_fragmentation": STD + rec(B, inner_ip(0xA0, 0x0B, 1460), CHAIN),
    "local_learn_and_switch": STD + rec(A, inner_ip(0x0B, 0x0C, 64)) + rec(U, vxlan(100, inner_ip(0x0C, 0xA0, 64))),
    "jumbo_encap_whole": JUMBO + rec(A, inner_ip(0xA0, 0x0A, 8900)),
    "jumbo_encap_frag_needed": JUMBO + rec(A, inner_ip(0xA0, 0x0A, 9200, df=True)),
    "jumbo_decap_to_small_port": JUMBO + rec(U, vxlan(200, inner_ip(0x0B, 0xA0, 8000))),
    "jumbo_decap_df_to_small_port": JUMBO + rec(U, vxlan(200, inner_ip(0x0B, 0xA0, 8000, df=True))),
    "gw_arp": STD + rec(A, arp_request(0x0A, (192, 168, 0, 10), GW4)),
    "gw_arp_garp": STD + rec(A, arp_request(0x0A, GW4, GW4)),
    "gw_arp_probe": STD + rec(A, arp_request(0x0A, (0, 0, 0, 0), GW4)),
    "gw_ns": STD + rec(A, ns(GW6)),
    "gw_ns_link_local": STD + rec(A, ns(GW_LL6)),
    "gw_ns_unicast": STD + rec(A, icmp6(GW_MAC, HOST6, GW6, struct.pack("!BBHI", 135, 0, 0, 0) + GW6)),
    "gw_ns_bad_hop_limit": STD + rec(A, ns(GW6, hop=64)),
    "gw_ns_dad": STD + rec(A, ns(GW6, src6=bytes(16), slla=False)),
    # a container's IPv6 address learned from its neighbour discovery (a /128 host route)
    "nd_ns_learn": STD + rec(A, ns(bytes.fromhex("20010db8000000000000000000000063"))),
    "nd_na_to_gateway": STD + rec(A, na(GW_MAC, GW6, HOST6)),
    "nd_na_unsolicited": STD + rec(A, na(b"\x33\x33\0\0\0\1", bytes.fromhex("ff020000000000000000000000000001"), HOST6, flags=0x20)),
    "gw_echo4": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), GW4, 1008)),
    "gw_echo4_fragment": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), GW4, 1008, mf=True)),
    "gw_echo6": STD + rec(A, echo6(GW6, 1008)),
    "gw_echo6_link_local": STD + rec(A, echo6(GW_LL6, 56)),
    "gw_unrouted": STD + rec(A, eth(GW_MAC, mac(0x0A), 0x0800, ip4((192, 168, 0, 10), (192, 168, 9, 9), 17, udp(1, 2, bytes(64))))),
    "gw_from_gateway_mac": STD + rec(A, eth(b"\xff" * 6, GW_MAC, 0x0800, bytes(64))),
    "gw_decap_to_gateway": STD + rec(U, vxlan(100, eth(GW_MAC, mac(0xA0), 0x0800, bytes(64)))),
    "gw_decap_from_gateway": STD + rec(U, vxlan(100, eth(b"\xff" * 6, GW_MAC, 0x0806, bytes(28)))),
    # another leaf's glean request for a host of VNI 100: handed to the local ports (gw_remote_gleans)
    "gw_decap_remote_glean": STD + rec(U, vxlan(100, eth(b"\xff" * 6, GW_MAC, 0x0806,
                                                         struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + GW_MAC +
                                                         bytes(GW4) + bytes(6) + bytes((192, 168, 0, 10))))),
    # routing in the VRF: B (VNI 200) to A's host 192.168.0.10 and back, TTL 1, glean, no route, remote
    "route_local": STD + rec(B, icmp4_echo(GW_MAC, (192, 168, 2, 11), (192, 168, 0, 10), 108 - 42)),
    "route_local_back": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), (192, 168, 2, 11), 1008 - 42)),
    "route_ttl_expired": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), (192, 168, 2, 11), 56, ttl=1)),
    "route_glean": STD + rec(B, icmp4_echo(GW_MAC, (192, 168, 2, 11), (192, 168, 0, 99), 56)),
    "route_glean6": STD + rec(A, icmp6(GW_MAC, HOST6, bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [0x63]), struct.pack("!BBHI", 128, 0, 0, 0), hop=64)),
    "route_none": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), (10, 99, 1, 1), 56)),
    "route_remote": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), (10, 98, 1, 1), 56)),
    # symmetric IRB: into the L3 VNI towards VTEP 0, and from it to local hosts
    "l3vni_route_remote6": STD + rec(A, icmp6(GW_MAC, HOST6, REMOTE6, struct.pack("!BBHI", 128, 0, 0, 0), hop=64)),
    "l3vni_route_remote_frag_needed": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), (10, 98, 1, 1), 1600)),
    "l3vni_route_remote_fragment": STD + rec(A, icmp4_echo(GW_MAC, (192, 168, 0, 10), (10, 98, 1, 1), 1600, df=False)),
    "l3vni_decap_local": STD + rec(U, vxlan(L3VNI, irb4((192, 168, 0, 10), 100))),
    "l3vni_decap_ttl": STD + rec(U, vxlan(L3VNI, irb4((192, 168, 0, 10), 100, ttl=1))),
    "l3vni_decap_to_small_port": STD + rec(U, vxlan(L3VNI, irb4((192, 168, 2, 11), 1420))),
    "l3vni_decap_fragment_to_small_port": STD + rec(U, vxlan(L3VNI, irb4((192, 168, 2, 11), 1420, df=False))),
    "l3vni_decap_glean": STD + rec(U, vxlan(L3VNI, irb4((192, 168, 0, 99), 56))),
    "l3vni_decap_to_remote": STD + rec(U, vxlan(L3VNI, irb4((10, 98, 2, 2), 56))),
    "l3vni_decap_not_router_mac": STD + rec(U, vxlan(L3VNI, irb4((192, 168, 0, 10), 56, dst_mac=GW_MAC))),
    "l3vni_decap6_glean": STD + rec(U, vxlan(L3VNI, icmp6(RMAC, REMOTE6, HOST6, struct.pack("!BBHI", 128, 0, 0, 0), hop=64, src_mac=REMOTE_RMAC))),
    "jumbo_decap_ipv6_to_small_port": JUMBO + rec(U, vxlan(200, eth(mac(0x0B), mac(0xA0), 0x86DD, ip6(bytes(4000), 4000)))),
}
out = sys.argv[1] if len(sys.argv) > 1 else "test/fuzz/corpus/fastpath"
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
