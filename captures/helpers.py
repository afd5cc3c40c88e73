#!/usr/bin/env python3
"""Small helpers used by make_captures.sh (stdlib only, run inside a netns).

  helpers.py udp-client DST PORT SIZES [--expect-reply] [--sport N]
      Send one UDP datagram per size in SIZES (comma separated) from one socket
      and, with --expect-reply, wait for the echo and check it.

  helpers.py vlan-tag IFNAME TAG[,TAG...]
      Make IFNAME behave like an 802.1Q / 802.1ad trunk port using two tiny
      eBPF programs attached with TCX links (egress: push tags, ingress: pop
      them).  TAG is VID (802.1Q, TPID 0x8100) or ad:VID (802.1ad, TPID
      0x88a8); list the tags outermost first.  Needed because the test kernel
      has neither CONFIG_VLAN_8021Q nor CONFIG_BRIDGE_VLAN_FILTERING.  The
      links live as long as this process: it prints "ready" and then sleeps
      until SIGTERM/SIGINT, after which the kernel detaches the programs.
"""
import ctypes
import ctypes.util
import os
import signal
import socket
import struct
import sys
import time


def udp_client(argv):
    dst, port, sizes = argv[0], int(argv[1]), [int(s) for s in argv[2].split(",")]
    expect = "--expect-reply" in argv
    sport = 0
    if "--sport" in argv:
        sport = int(argv[argv.index("--sport") + 1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    s.settimeout(3)
    pattern = b"strata capture payload 0123456789abcdef\n"
    for n in sizes:
        payload = (pattern * (n // len(pattern) + 1))[:n]
        s.sendto(payload, (dst, port))
        if expect:
            data, peer = s.recvfrom(65535)
            if data != payload:
                sys.exit("udp echo mismatch for %d-byte datagram" % n)
        else:
            time.sleep(0.2)
    s.close()


# --- eBPF (hand assembled; no compiler needed) -----------------------------
SYS_bpf = 321  # x86_64
BPF_PROG_LOAD, BPF_LINK_CREATE = 5, 28
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX_INGRESS, BPF_TCX_EGRESS = 46, 47
FUNC_skb_vlan_push, FUNC_skb_vlan_pop = 18, 19


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


MOV64_REG, MOV64_IMM, CALL, EXIT = 0xBF, 0xB7, 0x85, 0x95


def prog_push(tags):
    """tags outermost first; push innermost first."""
    code = insn(MOV64_REG, dst=6, src=1)  # r6 = skb
    for tpid, vid in reversed(tags):
        code += insn(MOV64_REG, dst=1, src=6)
        code += insn(MOV64_IMM, dst=2, imm=socket.htons(tpid))  # __be16 proto
        code += insn(MOV64_IMM, dst=3, imm=vid)
        code += insn(CALL, imm=FUNC_skb_vlan_push)
    return code + insn(MOV64_IMM, dst=0, imm=0) + insn(EXIT)  # TCX_PASS


def prog_pop(count):
    code = insn(MOV64_REG, dst=6, src=1)
    for _ in range(count):
        code += insn(MOV64_REG, dst=1, src=6)
        code += insn(CALL, imm=FUNC_skb_vlan_pop)
    return code + insn(MOV64_IMM, dst=0, imm=0) + insn(EXIT)


libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = libc.syscall(SYS_bpf, cmd, buf, 128)
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, "bpf(cmd=%d): %s" % (cmd, os.strerror(e)))
    return r


def load(code, name):
    insns = ctypes.create_string_buffer(code, len(code))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(65536)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, len(code) // 8,
                       ctypes.addressof(insns), ctypes.addressof(lic),
                       1, len(log), ctypes.addressof(log), 0, 0, name.encode())
    try:
        return bpf(BPF_PROG_LOAD, attr)
    except OSError:
        sys.stderr.write(log.value.decode(errors="replace"))
        raise


def link(prog_fd, ifindex, attach_type):
    return bpf(BPF_LINK_CREATE, struct.pack("<IIII", prog_fd, ifindex, attach_type, 0))


def vlan_tag(argv):
    ifname, spec = argv[0], argv[1]
    tags = []
    for t in spec.split(","):
        tags.append((0x88A8, int(t[3:])) if t.startswith("ad:") else (0x8100, int(t)))
    ifindex = socket.if_nametoindex(ifname)
    keep = [link(load(prog_push(tags), "vlan_push"), ifindex, BPF_TCX_EGRESS),
            link(load(prog_pop(len(tags)), "vlan_pop"), ifindex, BPF_TCX_INGRESS)]
    done = []
    signal.signal(signal.SIGTERM, lambda *a: done.append(1))
    signal.signal(signal.SIGINT, lambda *a: done.append(1))
    print("ready", flush=True)
    while not done:
        time.sleep(0.1)
    del keep  # fds are closed at exit; the kernel then detaches the links


if __name__ == "__main__":
    cmds = {"udp-client": udp_client, "vlan-tag": vlan_tag}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])
