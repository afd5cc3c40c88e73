#!/usr/bin/env python3
"""Compare `strata replay CAPTURE --json` with tshark, field by field.

Usage
-----
    tshark_compare.py --strata STRATA_BIN CAPTURE [CAPTURE...]
                      [--min-agreement 0.999] [--scope all|ipv4] [--show N]
                      [--groups N] [--diffs-out FILE] [--json-file FILE ...]
    tshark_compare.py --json-file FILE CAPTURE        # check a saved JSON-lines file
    tshark_compare.py --selftest CAPTURE [CAPTURE...] # tshark vs itself: must be 100%
    tshark_compare.py --write-reference FILE CAPTURE  # tshark output as contract JSON

--json-file may be repeated: the i-th file stands for the i-th CAPTURE (use it
to test the checker without the binary).  --tshark PATH picks the tshark
binary, --timeout SECONDS bounds each child process (default 600),
--skip-unreadable skips captures tshark cannot read at all (corpus sweeps).
--groups N prints the N largest groups of differences (field, kind, value
shapes, with a first example); --diffs-out FILE writes every difference of
both scopes as JSON lines (with tshark's frame.protocols and whether it is in
scope) for analysis.

Exit status: 0 when the agreement of the chosen scope (--scope, default all:
the overall agreement) >= --min-agreement, the packet counts
match, every strata line parses as a JSON object and carries `strata.layer`
and a `strata.verdict` in {deliver, drop, reassembling}; 1 otherwise; 2 on a
usage error or when tshark / strata cannot be run at all (not found, no
output and a non-zero exit status, unreadable capture).  A strata process that
exits non-zero *after* printing packets is a test failure (1), not 2.

Reference
---------
    tshark -r CAPTURE -n -T fields -E separator=/t -E header=n -E occurrence=f
           -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE
           -o tcp.check_checksum:TRUE  -e FIELD ... (the minimum set)
           -e frame.protocols      (for the scope only, never compared)

Comparison
----------
Packets are matched by `frame.number` (strata lines without one are numbered
by line order).  For every field of the minimum set and every packet the pair
(tshark, strata) is one of: agree (both present, equal after normalisation),
disagree, missing (tshark has it, strata not), extra (strata has it, tshark
not) or both-absent.  Agreement ratio = agree / (agree + disagree + missing +
extra); both-absent pairs are not counted.  Equality is type-strict (the JSON
number 1 does not equal the string "1", nor `true`).

Scope
-----
Both ratios are always printed; `--scope` picks the one --min-agreement
applies to (and what the per-field table, groups and listed differences
show).  `--scope all` (the default) counts every field of every packet.
`--scope ipv4` counts only what issue 3 lists and strata claims to decode.
The rule is computed from the *reference*: tshark's `frame.protocols` for the
frame (requested as one extra column, never compared), e.g.
"eth:ethertype:vlan:ethertype:ip:icmp:ip:udp:dns".

  1. Packet in scope: the chain starts with a link layer strata decodes and
     lists --
       eth:ethertype  [ (vlan|ieee8021ad):ethertype ]*   Ethernet, 802.1Q, QinQ
       sll:ethertype                                     Linux SLL and SLL2
       raw                                               raw IP (linktype 101)
     -- immediately followed by the network layer `ip` (IPv4) or `arp`; or
     the chain starts with `ip` itself (LINKTYPE_IPV4, 228, has no link
     protocol in tshark).
     Anything else is out of scope as a whole: IPv6, 802.3/LLC, PPPoE, MPLS,
     SLL with a non-Ethernet protocol (sll:gre...), BSD loopback, PPP, HDLC,
     radiotap, ..., also when IPv4 follows one of those.
  2. In an in-scope packet every field is counted, except the fields of a
     protocol whose *first* occurrence in the chain sits in an inner header.
     With `-E occurrence=f` tshark prints a field's first occurrence; when the
     outer header lacks a protocol and a tunnel's payload has it, the value
     comes from the inner header (IP-in-IP: ip.proto 4 and the inner udp.*;
     VXLAN: the outer udp.* but the inner tcp.*, or an inner vlan.id).  Such a
     field is excluded on BOTH sides -- tshark's value and strata's, whatever
     strata prints -- so a tunnel is neither a miss nor an "extra".  The
     places where a protocol's first occurrence counts:
       frame.*                  always
       eth.* / sll.*            the link layer itself (chain position 0)
       vlan.id, ieee8021ad.id   a tag of the link layer (before ip/arp)
       ip.* / arp.*             the network layer of rule 1
       icmp.*                   directly above that IPv4 header
       udp.*, tcp.*             directly above that IPv4 header, or the
                                datagram quoted by an ICMP error directly
                                above it (ip:icmp:ip:udp), which DESIGN.md §5
                                defines as the source of udp.*/tcp.* there
     A protocol that does not appear in the chain at all is counted: tshark
     normally has none of its fields, so a strata value there is an "extra"
     (e.g. udp.* on a fragment tshark did not reassemble: "eth:ethertype:ip:data").
  The number of excluded values is printed next to the in-scope ratio;
  out-of-scope packets count only in the overall ratio.

Normalisation (tshark text -> contract form; the strata side is taken as is,
except where noted):
  * integers: decimal or 0x-hex text -> int (`ip.id` 0x9b28 -> 39720).
  * eth.type, tcp.flags: "0x%04x" lowercase string.  tshark already prints
    exactly this ("0x0800", "0x0012", "0x00c2").
  * sll.etype: the contract lists no special form, so by its general rule it
    is an int (tshark prints "0x0800" -> 2048), as strata prints it.  A hex
    string ("0x0800", what strata printed before) is accepted too and
    normalised to the int.
  * ip.flags.df / ip.flags.mf: "1"/"0" (tshark 4.0) or "True"/"False"
    (newer tsharks) -> 1/0.
  * tcp.options.sack_perm: any non-empty value (tshark prints the option
    bytes, "0402") -> 1.
  * *.checksum.status: tshark 4.0 prints the number (0 bad, 1 good,
    2 unverified, 3 not present); the words Bad/Good/Unverified/Not present
    are mapped too, in case another version prints them.
  * frame.time_epoch: tshark 4.0 always prints 9 decimals, also for
    microsecond pcaps ("1700000000.001007000"); more when the pcap's
    microsecond/nanosecond field is out of range, as it prints "%d.%09d" of
    (seconds, nanoseconds): "1418145370.1000000000" is read as 1418145370 s +
    1000000000 ns = "1418145371.000000000" (what libpcap, hence strata, gives).  Both sides are parsed
    exactly (decimal, no float) and re-printed with 9 decimals, so strata's
    "1700000000.001007" would still agree.  A JSON number is accepted as well
    (parsed exactly from its text).
  * addresses: strings; MACs lowercased on both sides.
  * A value holding a comma (tshark's aggregator) keeps only its first
    element.  tshark 4.0 with occurrence=f never printed one on the whole
    tcpdump test corpus, but the checker does not rely on it.

Subtle tshark behaviours found by experiment (tshark 4.0.17; commands, files
and frame numbers in TSHARK_NOTES.md next to this script):
  * Fragments (reassembly on, one pass): transport fields (udp.*, tcp.*,
    icmp.*) appear only on the frame that completes reassembly, whatever its
    position in the datagram; its ip.* fields are that fragment's own header
    (ip.len, frag_offset, MF bit, ttl of the fragment), not the reassembled
    datagram's.  A first fragment does not show icmp.type.  No timeout;
    the key includes ip.proto; on overlap the first-received bytes win.
  * A fragment with a bad IP header checksum is NOT added to reassembly
    (ip.check_checksum on).  If it is the first fragment (offset 0), tshark
    dissects its payload directly: udp.* appears on that frame (udp.length
    is the header value, checksum status 2) and the datagram never completes.
  * A duplicate of the final fragment after completion starts a new
    (never completed) reassembly: no transport fields.
  * ICMP errors: ip.* is the outer header (first occurrence), udp.*/tcp.*
    come from the quoted datagram.  Quoted TCP prints `tcp.seq` (raw) but
    never `tcp.seq_raw` nor `tcp.len`; with the full TCP header but a cut
    payload its checksum status is 0 (bad), not 2.  Quoted UDP: udp.length
    from the quoted header, status 2 when cut, 1/0 when whole, 3 when zero.
    A quoted fragment (even the first, MF=1) gets no transport fields.
  * Bad IP header checksum: tshark still dissects UDP/TCP above it.
  * Truncated/bogus headers: fields are printed for the bytes that exist (a
    cut IP header gives ip.len/ip.id/... but no ip.src/ip.dst; IHL < 5 gives
    only ip.hdr_len; a cut TCP header only the ports).
  * ip.len 0 (BIG TCP/TSO): tshark prints the length derived from the frame.
  * IP-in-IP / Geneve / VXLAN: ip.* from the outer header, udp.*/tcp.* can
    come from the inner packet.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal, InvalidOperation

FIELDS = """
frame.number frame.len frame.time_epoch eth.src eth.dst eth.type vlan.id
ieee8021ad.id sll.pkttype sll.etype arp.opcode arp.src.proto_ipv4
arp.dst.proto_ipv4 ip.src ip.dst ip.proto ip.ttl ip.len ip.id ip.flags.df
ip.flags.mf ip.frag_offset ip.hdr_len ip.checksum.status icmp.type icmp.code
udp.srcport udp.dstport udp.length udp.checksum.status tcp.srcport tcp.dstport
tcp.seq_raw tcp.ack_raw tcp.flags tcp.window_size_value tcp.hdr_len tcp.len
tcp.options.mss_val tcp.options.wscale.shift tcp.options.sack_perm
tcp.checksum.status
""".split()

TSHARK_PREFS = ["-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE"]

HEX4_FIELDS = {"eth.type", "tcp.flags"}
BOOL_FIELDS = {"ip.flags.df", "ip.flags.mf"}
STATUS_FIELDS = {"ip.checksum.status", "udp.checksum.status", "tcp.checksum.status"}
STRING_FIELDS = {"eth.src", "eth.dst", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
                 "ip.src", "ip.dst"}
MAC_FIELDS = {"eth.src", "eth.dst"}
PRESENCE_FIELDS = {"tcp.options.sack_perm"}
TIME_FIELDS = {"frame.time_epoch"}
INT_OR_HEX_FIELDS = {"sll.etype"}   # int by the contract's general rule; "0x...." tolerated
INT_FIELDS = (set(FIELDS) - HEX4_FIELDS - BOOL_FIELDS - STATUS_FIELDS - STRING_FIELDS
              - PRESENCE_FIELDS - TIME_FIELDS)

VERDICTS = {"deliver", "drop", "reassembling"}
STATUS_WORDS = {"bad": 0, "good": 1, "unverified": 2, "not present": 3,
                "not_present": 3}
BOOL_WORDS = {"1": 1, "0": 0, "true": 1, "false": 0}

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# ---------------------------------------------------------------- scope

# The protocol (as tshark names it in frame.protocols) each field belongs to.
FIELD_PROTO = {f: f.split(".", 1)[0] for f in FIELDS}
PROTOCOLS_KEY = "\0protocols"       # where a tshark record keeps frame.protocols
SCOPES = ("all", "ipv4")
LINK_PROTOS = {"eth", "sll", "raw"}
TAG_PROTOS = {"vlan", "ieee8021ad"}


def ipv4_scope(protocols):
    """The `--scope ipv4` rule (module docstring, "Scope").  `protocols` is
    tshark's frame.protocols ("eth:ethertype:vlan:ethertype:ip:udp:dns").
    -> None when the packet is out of scope, else the set of protocols whose
    fields are *excluded* (on both sides) because tshark's first occurrence of
    them lies in an inner header (a tunnel's payload)."""
    p = protocols.split(":") if protocols else []
    if not p or p[0] not in LINK_PROTOS | {"ip"}:
        return None
    k = 0 if p[0] == "ip" else 1
    if p[0] in ("eth", "sll"):
        if k >= len(p) or p[k] != "ethertype":
            return None
        k += 1
        while p[0] == "eth" and k + 1 < len(p) and p[k] in TAG_PROTOS \
                and p[k + 1] == "ethertype":
            k += 2
    if k >= len(p) or p[k] not in ("ip", "arp"):
        return None
    net = p[k]
    allowed = {"frame": None, p[0]: 0, net: k}      # proto -> index of its in-scope place
    for i in range(1, k):
        if p[i] in TAG_PROTOS:
            allowed.setdefault(p[i], i)
    if net == "ip" and k + 1 < len(p):
        above = p[k + 1]
        if above in ("udp", "tcp", "icmp"):
            allowed[above] = k + 1
        if above == "icmp" and k + 3 < len(p) and p[k + 2] == "ip" \
                and p[k + 3] in ("udp", "tcp"):
            allowed.setdefault(p[k + 3], k + 3)      # the datagram an ICMP error quotes
    excluded = set()
    for proto in set(FIELD_PROTO.values()):
        if proto == "frame" or proto not in p:
            continue                                  # absent in tshark: counted
        if allowed.get(proto) != p.index(proto):
            excluded.add(proto)
    return excluded



class RunError(Exception):
    """tshark/strata could not be run: exit status 2."""


class Unreadable(RunError):
    """tshark ran but could not read the capture at all."""


class Bad(Exception):
    """A value that cannot be normalised."""


# ---------------------------------------------------------------- normalise

def _int(text):
    text = text.strip()
    try:
        return int(text, 16) if text[:2].lower() == "0x" else int(text, 10)
    except ValueError:
        raise Bad(text)


def _time9(v):
    if isinstance(v, bool):
        raise Bad(v)
    try:
        d = Decimal(v) if isinstance(v, (str, Decimal)) else Decimal(str(v))
    except InvalidOperation:
        raise Bad(v)
    if not d.is_finite():
        raise Bad(v)
    return str(d.quantize(Decimal("0.000000001")))


def _tshark_time(text):
    """tshark prints frame.time_epoch as "%d.%09d" of (seconds, nanoseconds).
    A pcap whose microsecond (nanosecond) field is >= 10^6 (10^9) gives a
    nanosecond part >= 10^9, printed with 10 or more digits:
    "1418145370.1000000000" is 1418145370 s + 10^9 ns = 1418145371.0.  Such a
    fraction is read as a count of nanoseconds, not as a decimal fraction.  A
    leading '-' (a negative nanosecond part from an overflowing field) is left
    to the plain decimal reading: its meaning is ambiguous."""
    secs, dot, frac = text.partition(".")
    if dot and len(frac) > 9 and secs.isdigit() and frac.isdigit():
        return _time9(Decimal(int(secs)) + Decimal(int(frac)).scaleb(-9))
    return _time9(text)


def norm_tshark(field, text):
    """tshark -T fields text -> contract value (raises Bad)."""
    if "," in text:          # aggregated occurrences: keep the first
        text = text.split(",", 1)[0]
    if field in PRESENCE_FIELDS:
        return 1
    if field in TIME_FIELDS:
        return _tshark_time(text.strip())
    if field in HEX4_FIELDS:
        return "0x%04x" % _int(text)
    if field in BOOL_FIELDS:
        try:
            return BOOL_WORDS[text.strip().lower()]
        except KeyError:
            raise Bad(text)
    if field in STATUS_FIELDS:
        t = text.strip().lower()
        if t in STATUS_WORDS:
            return STATUS_WORDS[t]
        v = _int(t)
        if v not in (0, 1, 2, 3):
            raise Bad(text)
        return v
    if field in MAC_FIELDS:
        return text.strip().lower()
    if field in STRING_FIELDS:
        return text.strip()
    return _int(text)   # INT_FIELDS and INT_OR_HEX_FIELDS


def norm_strata(field, v):
    """Strata JSON value -> comparable value.  Type-strict: a value of the
    wrong JSON type is returned unchanged and will simply disagree."""
    if field in TIME_FIELDS:
        if isinstance(v, (str, int, Decimal)) and not isinstance(v, bool):
            try:
                return _time9(v)
            except Bad:
                return v
        return v
    if field in MAC_FIELDS and isinstance(v, str):
        return v.lower()
    if field in INT_OR_HEX_FIELDS and isinstance(v, str) and v[:2].lower() == "0x":
        try:
            return int(v, 16)
        except ValueError:
            return v
    if isinstance(v, Decimal):   # a JSON float where none belongs
        return float(v)
    return v


class _Null:
    """A JSON null from strata: the contract forbids it, so it never agrees."""
    def __repr__(self):
        return "null"


NULL = _Null()


def same(a, b):
    return type(a) is type(b) and a == b


def show(v):
    if v is None:
        return "-"
    if v is NULL:
        return "null"
    if isinstance(v, Decimal):
        return str(v)
    return json.dumps(v)


# ---------------------------------------------------------------- runners

def run(cmd, what, timeout):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except FileNotFoundError:
        raise RunError("%s: cannot execute %r (not found)" % (what, cmd[0]))
    except PermissionError:
        raise RunError("%s: cannot execute %r (permission denied)" % (what, cmd[0]))
    except OSError as e:
        raise RunError("%s: cannot execute %r: %s" % (what, cmd[0], e))
    except subprocess.TimeoutExpired:
        raise RunError("%s: timed out after %ss: %s" % (what, timeout, " ".join(cmd)))
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def _stderr_tail(err, n=5):
    lines = [l for l in err.splitlines()
             if l.strip() and "Running as user" not in l]
    return "\n".join("    " + l for l in lines[-n:]) or "    (no stderr)"


def tshark_reference(tshark, capture, timeout, warnings):
    """-> list of (frame_number, {field: contract value}) in capture order."""
    if not os.path.isfile(capture):
        raise RunError("capture %r: no such file" % capture)
    cmd = [tshark, "-r", capture, "-n", "-T", "fields",
           "-E", "separator=/t", "-E", "header=n", "-E", "occurrence=f"] + TSHARK_PREFS
    for f in FIELDS:
        cmd += ["-e", f]
    cmd += ["-e", "frame.protocols"]      # for the scope only, never compared
    rc, out, err = run(cmd, "tshark", timeout)
    if rc != 0:
        if not out.strip():
            raise Unreadable("tshark failed on %s (exit %d):\n%s"
                           % (capture, rc, _stderr_tail(err)))
        # e.g. "appears to have been cut short in the middle of a packet":
        # tshark prints the packets it could read, then exits 2.
        warnings.append("tshark exit %d on %s (output used):\n%s"
                        % (rc, capture, _stderr_tail(err)))
    packets = []
    n = len(FIELDS) + 1
    for lineno, line in enumerate(out.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) > n:
            # Only a field value containing a tab can do this; none of the
            # minimum-set fields is free text, so it should never happen.
            warnings.append("%s: tshark line %d has %d columns, expected %d; "
                            "extra columns ignored" % (capture, lineno, len(cols), n))
            cols = cols[:n]
        cols += [""] * (n - len(cols))
        rec = {PROTOCOLS_KEY: cols[-1].strip()}
        for f, text in zip(FIELDS, cols):
            if text == "":
                continue
            try:
                rec[f] = norm_tshark(f, text)
            except Bad:
                warnings.append("%s: tshark line %d: cannot parse %s=%r; kept as text"
                                % (capture, lineno, f, text))
                rec[f] = text
        num = rec.get("frame.number")
        if not isinstance(num, int):
            num = len(packets) + 1
        packets.append((num, rec))
    return packets


def parse_strata_lines(text, source, problems):
    """JSON lines -> list of dicts (bad lines recorded in problems)."""
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_float=Decimal)
        except ValueError as e:
            problems.append("%s line %d: not JSON (%s): %.80s" % (source, lineno, e, line))
            continue
        if not isinstance(obj, dict):
            problems.append("%s line %d: not a JSON object: %.80s" % (source, lineno, line))
            continue
        obj["\0line"] = lineno
        out.append(obj)
    return out


def strata_output(strata, capture, timeout, warnings, problems):
    if not os.path.isfile(capture):
        raise RunError("capture %r: no such file" % capture)
    cmd = [strata, "replay", capture, "--json"]
    rc, out, err = run(cmd, "strata", timeout)
    if rc != 0:
        if not out.strip():
            raise RunError("strata failed on %s (exit %d), no output:\n%s"
                           % (capture, rc, _stderr_tail(err)))
        problems.append("strata exited %d on %s:\n%s" % (rc, capture, _stderr_tail(err)))
    return parse_strata_lines(out, "strata(%s)" % os.path.basename(capture), problems)


def read_json_file(path, problems):
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        raise RunError("--json-file %s: %s" % (path, e))
    return parse_strata_lines(text, os.path.basename(path), problems)


# ---------------------------------------------------------------- reference -> contract JSON

def reference_to_contract(packets):
    """tshark reference -> the contract's JSON lines (selftest / hand-editing).
    strata.* gets plausible placeholders so the verdict check passes."""
    lines = []
    for _, rec in packets:
        obj = {}
        for f in FIELDS:
            if f in rec:
                obj[f] = rec[f]
        fragment = rec.get("ip.flags.mf") == 1 or rec.get("ip.frag_offset", 0) > 0
        transport = any(k.split(".")[0] in ("udp", "tcp", "icmp") for k in rec)
        layer = "link"
        for proto, name in (("arp", "arp"), ("ip", "ipv4"), ("icmp", "icmp"),
                            ("udp", "udp"), ("tcp", "tcp")):
            if any(k.startswith(proto + ".") for k in rec):
                layer = name
        obj["strata.layer"] = layer
        obj["strata.verdict"] = "reassembling" if fragment and not transport else "deliver"
        obj["strata.reason"] = "selftest"
        lines.append(json.dumps(obj, separators=(",", ":")))
    return "\n".join(lines) + ("\n" if lines else "")


# ---------------------------------------------------------------- compare

class View:
    """Counts for one scope ("all" or "ipv4")."""
    def __init__(self):
        self.per_field = {f: {"agree": 0, "disagree": 0, "missing": 0, "extra": 0,
                              "absent": 0, "excluded": 0} for f in FIELDS}
        self.packets = 0
        self.per_capture = []    # (capture, agree, total)

    def ratio(self):
        agree = sum(c["agree"] for c in self.per_field.values())
        total = sum(c["agree"] + c["disagree"] + c["missing"] + c["extra"]
                    for c in self.per_field.values())
        return agree, total, (agree / total if total else 1.0)


class Stats:
    def __init__(self):
        self.views = {scope: View() for scope in SCOPES}
        # (capture, frame, field, kind, tshark, strata, in_scope, frame.protocols)
        self.diffs = []
        self.failures = []       # hard failures (count mismatch, verdicts, JSON)
        self.warnings = []
        self.captures = 0
        self.skipped = 0

    # the "all" view under its historical names
    @property
    def per_field(self):
        return self.views["all"].per_field

    @property
    def packets(self):
        return self.views["all"].packets

    def ratio(self, scope="all"):
        return self.views[scope].ratio()


def compare(capture, reference, strata_objs, problems, stats):
    name = os.path.basename(capture)
    for p in problems:
        stats.failures.append(p)
    if len(reference) != len(strata_objs):
        stats.failures.append("%s: packet count mismatch: tshark %d, strata %d"
                              % (name, len(reference), len(strata_objs)))
    by_num = {}
    for idx, obj in enumerate(strata_objs, 1):
        # verdict / layer check on every strata line
        v = obj.get("strata.verdict")
        if v not in VERDICTS:
            stats.failures.append("%s: strata line %d: strata.verdict %s not in %s"
                                  % (name, obj["\0line"], show(v), sorted(VERDICTS)))
        lay = obj.get("strata.layer")
        if not isinstance(lay, str) or not lay:
            stats.failures.append("%s: strata line %d: strata.layer missing or empty (%s)"
                                  % (name, obj["\0line"], show(lay)))
        num = obj.get("frame.number")
        if not (isinstance(num, int) and not isinstance(num, bool)):
            num = idx
        if num in by_num:
            stats.failures.append("%s: strata line %d: duplicate frame.number %d"
                                  % (name, obj["\0line"], num))
            continue
        by_num[num] = obj
    ref_nums = set()
    va, vi = stats.views["all"], stats.views["ipv4"]
    cap = {"all": [0, 0], "ipv4": [0, 0]}
    for num, rec in reference:
        ref_nums.add(num)
        obj = by_num.get(num)
        if obj is None:
            continue   # already a count failure (or strata renumbered)
        protocols = rec.get(PROTOCOLS_KEY, "")
        excluded = ipv4_scope(protocols)
        in_scope = excluded is not None
        va.packets += 1
        if in_scope:
            vi.packets += 1
        for f in FIELDS:
            t = rec.get(f)
            s = None
            if f in obj:
                s = NULL if obj[f] is None else norm_strata(f, obj[f])
            counted = in_scope and FIELD_PROTO[f] not in excluded
            views = (("all", va), ("ipv4", vi)) if counted else (("all", va),)
            if in_scope and not counted and (t is not None or s is not None):
                vi.per_field[f]["excluded"] += 1
            if t is None and s is None:
                for _, v in views:
                    v.per_field[f]["absent"] += 1
                continue
            if t is None:
                kind = "extra"
            elif s is None:
                kind = "missing"
            elif same(t, s):
                kind = "agree"
            else:
                kind = "disagree"
            for scope, v in views:
                v.per_field[f][kind] += 1
                cap[scope][1] += 1
                if kind == "agree":
                    cap[scope][0] += 1
            if kind != "agree":
                stats.diffs.append((name, num, f, kind, t, s, counted, protocols))
    va.per_capture.append((name, cap["all"][0], cap["all"][1]))
    vi.per_capture.append((name, cap["ipv4"][0], cap["ipv4"][1]))
    orphans = sorted(n for n in by_num if n not in ref_nums)
    if orphans:
        stats.failures.append("%s: strata frames not in tshark output: %s%s"
                              % (name, orphans[:10], " ..." if len(orphans) > 10 else ""))
    if len(reference) == len(strata_objs) and len(by_num) == len(strata_objs):
        missing = [n for n, _ in reference if n not in by_num]
        if missing:
            stats.failures.append("%s: tshark frames with no strata line: %s"
                                  % (name, missing[:10]))


def _group_key(field, kind, t, s):
    """Differences grouped by field, kind and the shape of the values (the
    strata value's type, tshark's value when it is one of a few words)."""
    def shape(v):
        if v is None:
            return "-"
        if field in STATUS_FIELDS or field in HEX4_FIELDS or field in BOOL_FIELDS:
            return show(v)
        return type(v).__name__
    return (field, kind, shape(t), shape(s))


def report(stats, show_n, min_agreement, out=sys.stdout, scope="all", groups_n=10,
           diffs_out=None):
    view = stats.views[scope]
    diffs = [d for d in stats.diffs if scope == "all" or d[6]]
    w = max(len(f) for f in FIELDS)
    if scope != "all":
        print("scope %s: fields of in-scope packets only (see --help / docstring)"
              % scope, file=out)
    print("%-*s %8s %8s %8s %8s %8s %8s" % (w, "field", "agree", "disagree", "missing",
                                             "extra", "absent", "ratio"), file=out)
    for f in FIELDS:
        c = view.per_field[f]
        tot = c["agree"] + c["disagree"] + c["missing"] + c["extra"]
        r = "%.4f" % (c["agree"] / tot) if tot else "-"
        flag = "" if tot == c["agree"] else "  <--"
        print("%-*s %8d %8d %8d %8d %8d %8s%s" % (w, f, c["agree"], c["disagree"],
                                                  c["missing"], c["extra"], c["absent"],
                                                  r, flag), file=out)
    agree, total, ratio = view.ratio()
    worst = sorted((a / t if t else 1.0, c, a, t) for c, a, t in view.per_capture)
    worst = [w for w in worst if w[2] != w[3]][:10]
    if len(view.per_capture) > 1 and worst:
        print(file=out)
        print("captures with the lowest agreement%s:"
              % ("" if scope == "all" else " (scope %s)" % scope), file=out)
        for r, c, a, t in worst:
            print("  %-40s %d/%d = %.4f" % (c, a, t, r), file=out)
    if diffs and groups_n > 0:
        groups = {}
        for d in diffs:
            key = _group_key(d[2], d[3], d[4], d[5])
            g = groups.get(key)
            if g is None:
                groups[key] = [1, d]
            else:
                g[0] += 1
        ranked = sorted(groups.items(), key=lambda kv: (-kv[1][0], kv[0]))
        print(file=out)
        print("largest groups of differences%s (count: field kind tshark-shape/strata-shape, "
              "first example):" % ("" if scope == "all" else " (scope %s)" % scope), file=out)
        for (f, kind, ts, ss), (n, d) in ranked[:groups_n]:
            print("  %7d: %s %s %s/%s  e.g. %s #%d tshark=%s strata=%s [%s]"
                  % (n, f, kind, ts, ss, d[0], d[1], show(d[4]), show(d[5]), d[7]),
                  file=out)
        if len(ranked) > groups_n:
            print("  ... %d more groups" % (len(ranked) - groups_n), file=out)
    all_agree, all_total, all_ratio = stats.ratio("all")
    in_agree, in_total, in_ratio = stats.ratio("ipv4")
    print(file=out)
    print("captures compared: %d (skipped %d), packets compared: %d (in scope ipv4: %d)"
          % (stats.captures, stats.skipped, stats.views["all"].packets,
             stats.views["ipv4"].packets), file=out)
    excluded = sum(c["excluded"] for c in stats.views["ipv4"].per_field.values())
    if scope == "all":
        print("overall agreement: %d/%d = %.6f (minimum %s)"
              % (all_agree, all_total, all_ratio, min_agreement), file=out)
        print("in-scope agreement (--scope ipv4): %d/%d = %.6f (%d inner-header values "
              "excluded)" % (in_agree, in_total, in_ratio, excluded), file=out)
    else:
        print("overall agreement: %d/%d = %.6f" % (all_agree, all_total, all_ratio),
              file=out)
        print("in-scope agreement (--scope ipv4): %d/%d = %.6f (minimum %s; %d "
              "inner-header values excluded)" % (in_agree, in_total, in_ratio,
                                                 min_agreement, excluded), file=out)
    if diffs and show_n > 0:
        print(file=out)
        print("first %d of %d differences (capture, frame, field, kind, tshark, strata):"
              % (min(show_n, len(diffs)), len(diffs)), file=out)
        for cap, num, f, kind, t, s, _, _ in diffs[:show_n]:
            print("  %s #%d %s %s: tshark=%s strata=%s" % (cap, num, f, kind, show(t),
                                                         show(s)), file=out)
    if diffs_out:
        with open(diffs_out, "w", encoding="utf-8") as fh:
            for cap, num, f, kind, t, s, counted, protocols in stats.diffs:
                fh.write(json.dumps({"capture": cap, "frame": num, "field": f,
                                     "kind": kind, "tshark": show(t), "strata": show(s),
                                     "in_scope": counted, "protocols": protocols}) + "\n")
    for wmsg in stats.warnings:
        print("warning: " + wmsg, file=out)
    for fmsg in stats.failures[:50]:
        print("FAIL: " + fmsg, file=out)
    if len(stats.failures) > 50:
        print("FAIL: ... %d more" % (len(stats.failures) - 50), file=out)
    ok = ratio >= min_agreement and not stats.failures
    print("RESULT: %s" % ("PASS" if ok else "FAIL"), file=out)
    return EXIT_OK if ok else EXIT_FAIL


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare `strata replay CAPTURE --json` with tshark field by field.",
        epilog="Exit: 0 pass, 1 fail, 2 usage error / tshark or strata cannot run.")
    ap.add_argument("captures", nargs="+", metavar="CAPTURE")
    ap.add_argument("--strata", metavar="PATH", help="strata binary")
    ap.add_argument("--json-file", action="append", default=[], metavar="FILE",
                    help="read strata JSON lines from FILE instead of running strata "
                         "(repeat once per CAPTURE, in order)")
    ap.add_argument("--min-agreement", type=float, default=0.999)
    ap.add_argument("--show", type=int, default=20, metavar="N",
                    help="print the first N differences (default 20)")
    ap.add_argument("--tshark", default="tshark", metavar="PATH")
    ap.add_argument("--timeout", type=float, default=600, metavar="SECONDS")
    ap.add_argument("--skip-unreadable", action="store_true",
                    help="skip (with a warning) captures tshark cannot read at all, "
                         "e.g. unsupported link types, instead of exiting 2")
    ap.add_argument("--scope", choices=SCOPES, default="all",
                    help="which agreement --min-agreement applies to and the table, "
                         "groups and differences show: all (default) or ipv4 (the "
                         "in-scope view: Ethernet/VLAN, SLL/SLL2 or raw IP link, IPv4 or "
                         "ARP, and UDP/TCP/ICMP right above that IPv4 header)")
    ap.add_argument("--groups", type=int, default=10, metavar="N",
                    help="print the N largest groups of differences (default 10)")
    ap.add_argument("--diffs-out", metavar="FILE",
                    help="write every difference (both scopes) as JSON lines to FILE")
    ap.add_argument("--selftest", action="store_true",
                    help="compare tshark's output, converted to the contract, with itself")
    ap.add_argument("--write-reference", metavar="FILE",
                    help="write tshark's output for the (single) CAPTURE as contract "
                         "JSON lines to FILE and exit")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK

    def usage(msg):
        print("tshark_compare.py: error: " + msg, file=sys.stderr)
        return EXIT_USAGE

    modes = sum(bool(x) for x in (args.strata, args.json_file, args.selftest,
                                  args.write_reference))
    if modes != 1:
        return usage("give exactly one of --strata, --json-file, --selftest, "
                     "--write-reference")
    if args.json_file and len(args.json_file) != len(args.captures):
        return usage("%d --json-file for %d captures (need one per capture)"
                     % (len(args.json_file), len(args.captures)))
    if args.write_reference and len(args.captures) != 1:
        return usage("--write-reference takes exactly one CAPTURE")
    if not 0.0 <= args.min_agreement <= 1.0:
        return usage("--min-agreement must be within [0, 1]")
    if args.strata:
        found = args.strata if os.sep in args.strata else shutil.which(args.strata)
        if not (found and os.path.isfile(found) and os.access(found, os.X_OK)):
            return usage("--strata %r is not an executable file" % args.strata)
        args.strata = found

    stats = Stats()
    try:
        for i, cap in enumerate(args.captures):
            try:
                reference = tshark_reference(args.tshark, cap, args.timeout,
                                             stats.warnings)
            except Unreadable as e:
                if not args.skip_unreadable or args.write_reference:
                    raise
                stats.warnings.append("skipped: " + str(e))
                stats.skipped += 1
                continue
            stats.captures += 1
            if args.write_reference:
                with open(args.write_reference, "w", encoding="utf-8") as fh:
                    fh.write(reference_to_contract(reference))
                print("wrote %d packets to %s" % (len(reference), args.write_reference))
                return EXIT_OK
            problems = []
            if args.selftest:
                objs = parse_strata_lines(reference_to_contract(reference),
                                          "selftest", problems)
            elif args.json_file:
                objs = read_json_file(args.json_file[i], problems)
            else:
                objs = strata_output(args.strata, cap, args.timeout, stats.warnings,
                                     problems)
            compare(cap, reference, objs, problems, stats)
    except RunError as e:
        print("tshark_compare.py: " + str(e), file=sys.stderr)
        return EXIT_USAGE
    return report(stats, args.show, args.min_agreement, scope=args.scope,
                  groups_n=args.groups, diffs_out=args.diffs_out)


if __name__ == "__main__":
    sys.exit(main())
