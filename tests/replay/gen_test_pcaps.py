#!/usr/bin/env python3
"""Generate small hand-built pcaps used by TSHARK_NOTES.md and the checker's selftest.

    gen_test_pcaps.py OUTDIR

Writes OUTDIR/{eth_mix,frag,icmp_err,vlan,sll,sll2,raw,edge,nsec}.pcap.
Standard library only; the bytes are built with struct, checksums computed
(or deliberately broken) here.  These are *test inputs*, not a stack.
"""
import os
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def mac(m):
    return bytes.fromhex(m.replace(":", ""))


def ipv4(src, dst, proto, payload, ident=0x1234, ttl=64, df=False, mf=False,
         frag=0, options=b"", bad_csum=False, total_len=None):
    ihl = (20 + len(options)) // 4
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag & 0x1FFF)
    tl = total_len if total_len is not None else 20 + len(options) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, flags, ttl, proto,
                    0, ip4(src), ip4(dst)) + options
    c = csum(h)
    if bad_csum:
        c ^= 0x5555
    h = h[:10] + struct.pack("!H", c) + h[12:]
    return h + payload


def pseudo(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def udp(src, dst, sport, dport, data, zero_csum=False, bad_csum=False, length=None):
    ln = length if length is not None else 8 + len(data)
    h = struct.pack("!HHHH", sport, dport, ln, 0)
    c = 0
    if not zero_csum:
        c = csum(pseudo(src, dst, 17, 8 + len(data)) + h + data) or 0xFFFF
        if bad_csum:
            c ^= 0x1111
    return struct.pack("!HHHH", sport, dport, ln, c) + data


def tcp(src, dst, sport, dport, seq, ack, flags, win, data=b"", options=b"",
        bad_csum=False):
    while len(options) % 4:
        options += b"\x01"
    off = (20 + len(options)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, 0) + options
    c = csum(pseudo(src, dst, 6, len(h) + len(data)) + h + data)
    if bad_csum:
        c ^= 0x1111
    h = h[:16] + struct.pack("!H", c) + h[18:]
    return h + data


def icmp(typ, code, rest, body):
    h = struct.pack("!BBH", typ, code, 0) + rest + body
    c = csum(h)
    return h[:2] + struct.pack("!H", c) + h[4:]


def eth(src, dst, etype, payload, pad=True):
    f = mac(dst) + mac(src) + struct.pack("!H", etype) + payload
    if pad and len(f) < 60:
        f += b"\0" * (60 - len(f))
    return f


def vlan_tag(tpid, vid, inner_type):
    return struct.pack("!HHH", tpid, vid & 0xFFF, inner_type)


class Pcap:
    def __init__(self, path, linktype=1, snaplen=65535, nsec=False):
        self.f = open(path, "wb")
        magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
        self.f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))
        self.t = 1700000000
        self.nsec = nsec
        self.n = 0

    def add(self, data, caplen=None, ts=None):
        self.n += 1
        sec, frac = ts if ts else (self.t, self.n * 1000 + 7)
        cap = data[:caplen] if caplen is not None else data
        self.f.write(struct.pack("<IIII", sec, frac, len(cap), len(data)) + cap)

    def close(self):
        self.f.close()


A, B = "10.0.0.1", "10.0.0.2"
MA, MB = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def gen_eth_mix(p):
    pl = b"hello world!"
    # 1 good UDP
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl))))
    # 2 UDP zero checksum
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl, zero_csum=True))))
    # 3 UDP bad checksum
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl, bad_csum=True))))
    # 4 UDP truncated by capture (caplen 14+20+8+2)
    big = bytes(range(200))
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, big))), caplen=44)
    # 5 bad IP header checksum, UDP good above
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl), bad_csum=True)))
    # 6 IP with options (RR-ish NOPs + EOL: 4 bytes) -> hdr_len 24, DF set
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl), options=b"\x01\x01\x01\x00", df=True)))
    # 7 TCP SYN with MSS, SACK_PERM, TS, WS ; seq > 2^31
    opts = (b"\x02\x04\x05\xb4" + b"\x04\x02" + b"\x08\x0a" + struct.pack("!II", 1, 0)
            + b"\x01" + b"\x03\x03\x07")
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 0xF0000000, 0, 0x02, 64240, options=opts), df=True)))
    # 8 TCP SYN-ACK
    opts2 = b"\x02\x04\x05\x78" + b"\x01\x01\x04\x02" + b"\x01\x03\x03\x09"
    p.add(eth(MB, MA, 0x0800, ipv4(B, A, 6, tcp(B, A, 80, 40000, 12345, 0xF0000001, 0x12, 65160, options=opts2), df=True)))
    # 9 TCP ACK with data, PSH
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 0xF0000001, 12346, 0x18, 502, data=b"GET / HTTP/1.0\r\n\r\n"), df=True)))
    # 10 TCP bad checksum, with data
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 0xF0000013, 12346, 0x10, 502, data=b"xyz", bad_csum=True), df=True)))
    # 11 ICMP echo request
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(8, 0, struct.pack("!HH", 7, 1), b"pingpayload"))))
    # 12 ARP request
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(MA), ip4(A), b"\0" * 6, ip4(B))
    p.add(eth(MA, "ff:ff:ff:ff:ff:ff", 0x0806, arp))
    # 13 ARP reply
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, mac(MB), ip4(B), mac(MA), ip4(A))
    p.add(eth(MB, MA, 0x0806, arp))
    # 14 IP-in-IP (proto 4) carrying UDP
    inner = ipv4("192.168.1.1", "192.168.1.2", 17, udp("192.168.1.1", "192.168.1.2", 5000, 6000, pl), ident=0x9999)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 4, inner)))
    # 15 short UDP padded to 60 bytes (ip.len < frame payload)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, b"x"))))
    # 16 TCP RST (no options), window 0
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 5, 0, 0x04, 0))))
    # 17 TCP with bad IP checksum
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 0xF0000013, 12346, 0x10, 502, data=b"abc"), bad_csum=True)))
    # 18 truncated inside TCP header (caplen 14+20+10)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 1, 1, 0x10, 100, data=b"abcdef"))), caplen=44)
    # 19 truncated inside IP header (caplen 14+12)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1, 2, pl))), caplen=26)
    # 20 UDP whose udp.length is larger than the IP payload
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl, length=100))))
    # 21 TCP truncated by capture inside payload (checksum unverifiable)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40000, 80, 0xF0000013, 12346, 0x18, 502, data=big))), caplen=80)
    # 22 TCP with all flags incl. ECE/CWR/NS-ish: flags 0x0c2 (SYN+ECE+CWR)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 40001, 80, 77, 0, 0xC2, 1024, options=b"\x02\x04\x05\xb4"))))
    # 23 IP len larger than captured frame (ip.len lies)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl), total_len=300)))


def frags(src, dst, proto, payload, ident, sizes, order=None, bad=()):
    out = []
    off = 0
    for i, sz in enumerate(sizes):
        chunk = payload[off:off + sz]
        mf = off + sz < len(payload)
        out.append(ipv4(src, dst, proto, chunk, ident=ident, mf=mf, frag=off // 8,
                        bad_csum=(i in bad)))
        off += sz
    if order:
        out = [out[i] for i in order]
    return out


def gen_frag(p):
    data = bytes((i * 7) & 0xFF for i in range(1000))
    u = udp(A, B, 2222, 3333, data)               # 1008 bytes
    for f in frags(A, B, 17, u, 0x1001, [400, 400, 208]):
        p.add(eth(MA, MB, 0x0800, f))
    # ICMP echo in 2 fragments
    ic = icmp(8, 0, struct.pack("!HH", 9, 9), bytes(600))
    for f in frags(A, B, 1, ic, 0x1002, [304, 304]):
        p.add(eth(MA, MB, 0x0800, f))
    # UDP out of order (last first, then first, then middle)
    for f in frags(A, B, 17, u, 0x1003, [400, 400, 208], order=[2, 0, 1]):
        p.add(eth(MA, MB, 0x0800, f))
    # TCP in 2 fragments
    t = tcp(A, B, 40000, 80, 1000, 2000, 0x18, 512, data=bytes(500), options=b"\x01\x01\x08\x0a" + bytes(8))
    for f in frags(A, B, 6, t, 0x1004, [256, 276]):
        p.add(eth(MA, MB, 0x0800, f))
    # UDP in 2 fragments, first fragment has bad IP checksum
    for f in frags(A, B, 17, u, 0x1005, [504, 504], bad=(0,)):
        p.add(eth(MA, MB, 0x0800, f))
    # Lone first fragment never completed
    for f in frags(A, B, 17, u, 0x1006, [400, 400, 208])[:1]:
        p.add(eth(MA, MB, 0x0800, f))
    # Duplicate final fragment after completion (retransmission)
    fl = frags(A, B, 17, u, 0x1007, [504, 504])
    for f in fl + [fl[1]]:
        p.add(eth(MA, MB, 0x0800, f))
    # 17-20 same ident 0x1008, different protocols (UDP and ICMP), interleaved
    ic = icmp(8, 0, struct.pack("!HH", 9, 9), bytes(600))
    fu = frags(A, B, 17, u, 0x1008, [504, 504])
    fi = frags(A, B, 1, ic, 0x1008, [304, 304])
    for f in (fu[0], fi[0], fu[1], fi[1]):
        p.add(eth(MA, MB, 0x0800, f))
    # 21-22 two fragments one hour apart
    fl = frags(A, B, 17, u, 0x1009, [504, 504])
    p.add(eth(MA, MB, 0x0800, fl[0]), ts=(1700000100, 0))
    p.add(eth(MA, MB, 0x0800, fl[1]), ts=(1700003700, 0))
    # 23-26 middle fragment duplicated before completion (identical data)
    fl = frags(A, B, 17, u, 0x100A, [400, 400, 208])
    for f in (fl[0], fl[1], fl[1], fl[2]):
        p.add(eth(MA, MB, 0x0800, f))
    # 27-29 overlapping fragment with different data, then completion
    fl = frags(A, B, 17, u, 0x100B, [400, 400, 208])
    alt = frags(A, B, 17, u[:400] + bytes(400) + u[800:], 0x100B, [400, 400, 208])
    for f in (fl[0], alt[1], fl[1], fl[2]):
        p.add(eth(MA, MB, 0x0800, f))
    # 31-32 fragments with different TTL / DF (DF on a fragment)
    fl = frags(A, B, 17, u, 0x100C, [504, 504])
    p.add(eth(MA, MB, 0x0800, fl[0]))
    f2 = bytearray(fl[1]); f2[8] = 5; f2[10:12] = b"\0\0"
    f2[10:12] = struct.pack("!H", csum(bytes(f2[:20])))
    p.add(eth(MA, MB, 0x0800, bytes(f2)))
    # 33-34 UDP split so the first fragment holds only 8 bytes, VLAN-tagged
    uu = udp(A, B, 2222, 3333, bytes(40))
    for f in frags(A, B, 17, uu, 0x100D, [8, 40]):
        p.add(eth(MA, MB, 0x8100, struct.pack("!HH", 42, 0x0800) + f))


def gen_icmp_err(p):
    pl = b"query-data-0123456789"
    orig = ipv4(B, A, 17, udp(B, A, 5353, 33434, pl), ident=0xBEEF, ttl=1)
    # 1 port unreachable quoting IP hdr + 8 bytes (classic)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, orig[:28]), ident=0x0A0A)))
    # 2 port unreachable quoting whole datagram
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, orig), ident=0x0A0B)))
    # 3 time exceeded quoting TCP first 8 bytes
    ot = ipv4(B, A, 6, tcp(B, A, 40000, 80, 0xAABBCCDD, 0, 0x02, 64240, options=b"\x02\x04\x05\xb4"), ident=0xCAFE, ttl=1)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(11, 0, b"\0" * 4, ot[:28]), ident=0x0A0C)))
    # 4 time exceeded quoting full TCP
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(11, 0, b"\0" * 4, ot), ident=0x0A0D)))
    # 5 quoting UDP with zero checksum (8 bytes)
    oz = ipv4(B, A, 17, udp(B, A, 5353, 33434, pl, zero_csum=True), ident=0xBEEF)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, oz[:28]), ident=0x0A0E)))
    # 6 frag-needed quoting only IP header (no transport bytes)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 4, struct.pack("!HH", 0, 1400), orig[:20]), ident=0x0A0F)))
    # 7 echo reply (not an error)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(0, 0, struct.pack("!HH", 7, 1), b"x"))))
    # 8 quoted UDP header + 5 of 21 payload bytes
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, orig[:33]))))
    # 9 only 4 bytes of the quoted UDP header
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, orig[:24]))))
    ot = ipv4(B, A, 6, tcp(B, A, 40000, 80, 0xAABBCCDD, 5, 0x18, 1000, data=b"x" * 50), ident=0xCAFF, ttl=1)
    # 10 quoted TCP: full 20-byte header, no payload (of 50)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(11, 0, b"\0" * 4, ot[:40]))))
    # 11 quoted TCP: 10 bytes of header
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(11, 0, b"\0" * 4, ot[:30]))))
    # 12 quoted TCP: whole segment incl. payload
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(11, 0, b"\0" * 4, ot))))


def gen_vlan(p):
    pl = b"vlanpayload"
    ip = ipv4(A, B, 17, udp(A, B, 1111, 53, pl))
    p.add(eth(MA, MB, 0x8100, vlan_tag(0x8100, 100, 0x0800)[2:] + ip))           # single 802.1Q
    p.add(eth(MA, MB, 0x8100, struct.pack("!H", 10) + vlan_tag(0x8100, 20, 0x0800) + ip))  # Q-in-Q (2x 0x8100)
    p.add(eth(MA, MB, 0x88A8, struct.pack("!H", 300) + vlan_tag(0x8100, 400, 0x0800) + ip))  # 802.1ad + 802.1Q
    p.add(eth(MA, MB, 0x8100, struct.pack("!H", 0x2000 | 5) + struct.pack("!H", 0x0806)
              + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(MA), ip4(A), b"\0" * 6, ip4(B))))  # VLAN 5 prio 1 ARP
    p.add(eth(MA, MB, 0x88A8, struct.pack("!H", 7) + struct.pack("!H", 0x0800) + ip))  # 802.1ad only


def sll_hdr(pkttype, proto):
    return struct.pack("!HHH8sH", pkttype, 1, 6, mac(MA) + b"\0\0", proto)


def sll2_hdr(pkttype, proto):
    return struct.pack("!HHIHBB8s", proto, 0, 2, 1, pkttype, 6, mac(MA) + b"\0\0")


def gen_sll(p, two=False):
    h = sll2_hdr if two else sll_hdr
    pl = b"sllpayload"
    p.add(h(0, 0x0800) + ipv4(A, B, 17, udp(A, B, 1111, 53, pl)))    # to us
    p.add(h(4, 0x0800) + ipv4(B, A, 6, tcp(B, A, 80, 1, 1, 1, 0x10, 10)))  # outgoing
    p.add(h(1, 0x0806) + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(MA), ip4(A), b"\0" * 6, ip4(B)))  # broadcast ARP
    p.add(h(3, 0x0800) + ipv4(A, B, 1, icmp(8, 0, b"\0\1\0\1", b"")))  # otherhost


def gen_raw(p):
    p.add(ipv4(A, B, 17, udp(A, B, 1111, 53, b"rawrawraw")))
    p.add(ipv4(A, B, 6, tcp(A, B, 1, 2, 3, 4, 0x11, 5)))


def gen_edge(p):
    pl = b"edgepayload"
    # 1 TCP data offset 3 (< 5, bogus)
    t = bytearray(tcp(A, B, 1, 2, 3, 4, 0x10, 5, data=b"abcd"))
    t[12] = 3 << 4
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, bytes(t))))
    # 2 IP IHL 4 (< 5, bogus)
    ip = bytearray(ipv4(A, B, 17, udp(A, B, 1, 2, pl)))
    ip[0] = 0x44
    p.add(eth(MA, MB, 0x0800, bytes(ip)))
    # 3 version 6 nibble in an 0x0800 frame
    ip = bytearray(ipv4(A, B, 17, udp(A, B, 1, 2, pl)))
    ip[0] = 0x65
    p.add(eth(MA, MB, 0x0800, bytes(ip)))
    # 4 ip.len < header length
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1, 2, pl), total_len=12)))
    # 5 ICMP port unreachable quoting a NON-first fragment
    ofr = ipv4(B, A, 17, bytes(range(16)), ident=0x4444, frag=10)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, ofr))))
    # 6 ICMP port unreachable quoting a first fragment (MF=1)
    ofr = ipv4(B, A, 17, udp(B, A, 7, 9, bytes(100))[:16], ident=0x4445, mf=True)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, ofr))))
    # 7 ICMP error whose quoted IP header checksum is bad
    oq = ipv4(B, A, 17, udp(B, A, 5353, 33434, pl), ident=0x4446, bad_csum=True)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, oq[:28]))))
    # 8 TCP ACK (no SYN) carrying WS + SACK_PERM + MSS options
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 1, 2, 3, 4, 0x10, 5,
          options=b"\x02\x04\x05\xb4\x04\x02\x01\x03\x03\x0e"))))
    # 9 TCP SYN with malformed MSS (len 3) then SACK_PERM with len 3
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 1, 2, 3, 0, 0x02, 5,
          options=b"\x02\x03\x05\x04\x03\x00\x00\x00"))))
    # 10 TCP WS shift 15 (> 14)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 1, 2, 3, 0, 0x02, 5,
          options=b"\x03\x03\x0f\x00"))))
    # 11 ICMP echo with bad ICMP checksum
    ic = bytearray(icmp(8, 0, b"\0\1\0\1", b"abc"))
    ic[2] ^= 0xFF
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, bytes(ic))))
    # 12 ICMP error quoting ICMP echo (icmp.type first occurrence = outer)
    oi = ipv4(B, A, 1, icmp(8, 0, b"\0\1\0\1", b"abcdefgh"), ident=0x4447)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(11, 0, b"\0" * 4, oi[:28]))))
    # 13 UDP length field < 8
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl, length=4))))
    # 14 UDP length smaller than IP payload (trailing garbage in IP payload)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1111, 53, pl)[:8] + pl + b"TRAILER",
                                   ) if False else ipv4(A, B, 17, udp(A, B, 1111, 53, pl) + b"TRAILER")))
    # 15 ICMP error quoting IP with options + UDP
    oo = ipv4(B, A, 17, udp(B, A, 5353, 33434, pl), ident=0x4448, options=b"\x01\x01\x01\x00")
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(3, 3, b"\0" * 4, oo[:32]))))
    # 16 frag: first fragment too short to hold the UDP header (4 bytes... offset units force 8)
    u = udp(A, B, 2222, 3333, bytes(40))
    for f in frags(A, B, 17, u, 0x4449, [8, 40]):
        p.add(eth(MA, MB, 0x0800, f))
    # 18,19 frag whose reassembled UDP checksum is bad
    u = udp(A, B, 2222, 3333, bytes(100), bad_csum=True)
    for f in frags(A, B, 17, u, 0x444A, [56, 52]):
        p.add(eth(MA, MB, 0x0800, f))
    # 20,21 fragments with DF set on one (weird) and different TTLs
    u = udp(A, B, 2222, 3333, bytes(100))
    fl = frags(A, B, 17, u, 0x444B, [56, 52])
    p.add(eth(MA, MB, 0x0800, fl[0]))
    p.add(eth(MA, MB, 0x0800, fl[1]))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    specs = [("eth_mix", 1, gen_eth_mix), ("frag", 1, gen_frag), ("icmp_err", 1, gen_icmp_err),
             ("vlan", 1, gen_vlan), ("sll", 113, lambda p: gen_sll(p)),
             ("sll2", 276, lambda p: gen_sll(p, True)), ("raw", 101, gen_raw),
             ("edge", 1, gen_edge)]
    for name, lt, fn in specs:
        p = Pcap(os.path.join(d, name + ".pcap"), linktype=lt)
        fn(p)
        p.close()
    # nanosecond-resolution capture with awkward timestamps
    p = Pcap(os.path.join(d, "nsec.pcap"), nsec=True)
    for ts in [(1700000000, 1), (1700000000, 999999999), (1, 500000000), (0, 0)]:
        p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1, 2, b"t"))), ts=ts)
    p.close()


if __name__ == "__main__":
    main()
