#!/usr/bin/env bash
# Regenerate the reference packet captures in this directory from real Linux
# kernel traffic.  Usage:  sudo captures/make_captures.sh
#
# Network safety: all traffic stays between two network namespaces that this
# script creates (veth pairs with BOTH ends inside them) plus a userspace tun
# tunnel carried over those veths.  The namespaces have no route to anything
# else; addresses are from the RFC 2544 benchmarking range 198.18.0.0/15.
# Namespaces are deleted on exit (also on failure) and only the processes
# started here are stopped, by PID.
#
# Needs: iproute2 (ip, ss), ethtool, tcpdump, socat, curl, iputils-ping,
# iputils-arping, python3, editcap (wireshark-common).  See README.md.
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
HELPERS="$HERE/helpers.py"

die() { echo "make_captures: error: $*" >&2; exit 1; }
log() { echo "make_captures: $*" >&2; }

[[ $EUID -eq 0 ]] || die "must be run as root (sudo $0)"
for tool in ip ss ethtool tcpdump socat curl ping arping python3 editcap; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[[ -f $HELPERS ]] || die "missing $HELPERS"

# ---------------------------------------------------------------- settings --
SUFFIX=$$
NSA="strata-cap-a-$SUFFIX"   # "client" side; most captures are taken here
NSB="strata-cap-b-$SUFFIX"   # "server" side

# Fixed, locally administered MACs so the captures are stable between runs.
MAC_A=02:53:54:00:00:0a MAC_B=02:53:54:00:00:0b            # a-eth0 / b-eth0
MAC_A_VLAN=02:53:54:00:64:0a MAC_B_VLAN=02:53:54:00:64:0b  # a-vlan / b-vlan
MAC_A_QINQ=02:53:54:00:c8:0a MAC_B_QINQ=02:53:54:00:c8:0b  # a-qinq / b-qinq

IP_A=198.18.0.1 IP_B=198.18.0.2            # plain Ethernet link
IP_A_VLAN=198.18.100.1 IP_B_VLAN=198.18.100.2   # 802.1Q VID 100
IP_A_QINQ=198.18.200.1 IP_B_QINQ=198.18.200.2   # 802.1ad 200 + 802.1Q 300
IP_A_TUN=198.18.50.1 IP_B_TUN=198.18.50.2       # tun0 (raw IPv4)

UDP_ECHO_PORT=9000     # socat echo server in NSB
UDP_CLOSED_PORT=9      # nothing listens here -> ICMP port unreachable
HTTP_PORT=8080         # python3 -m http.server in NSB
TUN_PORT=5555          # socat tun<->UDP tunnel endpoints
CLIENT_SPORT=40000     # fixed UDP source port of the client

WORK=$(mktemp -d /tmp/strata-captures.XXXXXX)
OUT="$WORK/out"
mkdir -p "$OUT" "$WORK/www"

declare -A BG=()       # pid -> description, for every process we start

# ----------------------------------------------------------------- cleanup --
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${!BG[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${!BG[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    rm -rf -- "$WORK"
    if [[ $rc -ne 0 ]]; then
        log "FAILED (exit $rc); namespaces and helper processes cleaned up"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------- helpers --
nsa() { ip netns exec "$NSA" "$@"; }
nsb() { ip netns exec "$NSB" "$@"; }

# spawn NAME CMD...: start CMD in the background, remember its PID in $BG_PID.
spawn() {
    local name=$1; shift
    "$@" >"$WORK/$name.log" 2>&1 &
    BG_PID=$!
    BG[$BG_PID]=$name
}

# stop PID: SIGTERM one process we started and reap it.
stop() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "BG[$pid]"
}

# wait_for DESCRIPTION CMD...: poll CMD (up to ~10 s) until it succeeds.
wait_for() {
    local what=$1; shift
    local i
    for ((i = 0; i < 100; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    die "timed out waiting for $what"
}

# Turn off checksum/segmentation/GRO offloads (and VLAN offloads where the
# device has them) so every checksum in the capture is computed in software
# and every captured frame is exactly what went on the (virtual) wire.
offloads_off() {
    local ns=$1 dev=$2 f
    if ! ip netns exec "$ns" ethtool -K "$dev" tx off rx off tso off gso off gro off >/dev/null 2>&1; then
        for f in tx rx tso gso gro; do
            ip netns exec "$ns" ethtool -K "$dev" "$f" off >/dev/null 2>&1 || true
        done
    fi
    for f in txvlan rxvlan tx-vlan-stag-hw-insert rx-vlan-stag-hw-parse; do
        ip netns exec "$ns" ethtool -K "$dev" "$f" off >/dev/null 2>&1 || true
    done
    local k
    k=$(ip netns exec "$ns" ethtool -k "$dev")
    grep -q '^tx-checksumming: off' <<<"$k" || die "$ns/$dev: tx checksum offload still on"
    grep -q '^tcp-segmentation-offload: off' <<<"$k" || die "$ns/$dev: TSO still on"
    grep -q '^generic-segmentation-offload: off' <<<"$k" || die "$ns/$dev: GSO still on"
    grep -q '^generic-receive-offload: off' <<<"$k" || die "$ns/$dev: GRO still on"
}

# new_ns NS: create a namespace with IPv6 off (no RS/MLD noise) and lo up.
new_ns() {
    local ns=$1
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0
    ip -n "$ns" link set lo up
}

# veth_pair NAME_A MAC_A IP_A NAME_B MAC_B IP_B: veth with one end per netns.
veth_pair() {
    ip -n "$NSA" link add "$1" address "$2" type veth peer name "$4" address "$5" netns "$NSB"
    offloads_off "$NSA" "$1"
    offloads_off "$NSB" "$4"
    ip -n "$NSA" addr add "$3/24" dev "$1"
    ip -n "$NSB" addr add "$6/24" dev "$4"
    ip -n "$NSA" link set "$1" up
    ip -n "$NSB" link set "$4" up
}

CAP_PID="" CAP_FILE=""
# cap_start NS IFACE FILE [extra tcpdump args...]
cap_start() {
    local ns=$1 ifc=$2 file=$3; shift 3
    CAP_FILE="$OUT/$file"
    rm -f -- "$CAP_FILE"
    spawn "tcpdump-$file" ip netns exec "$ns" tcpdump -Z root -s 0 -U --immediate-mode \
        "$@" -i "$ifc" -w "$CAP_FILE"
    CAP_PID=$BG_PID
    wait_for "tcpdump on $ns/$ifc" grep -q 'listening on' "$WORK/tcpdump-$file.log"
    wait_for "tcpdump file $file" test -s "$CAP_FILE"
    sleep 0.5
}

# cap_stop: let trailing packets arrive, then SIGINT tcpdump and reap it.
cap_stop() {
    sleep 1
    kill -INT "$CAP_PID"
    wait "$CAP_PID" || die "tcpdump for $CAP_FILE failed: $(cat "$WORK/tcpdump-$(basename "$CAP_FILE").log")"
    unset "BG[$CAP_PID]"
    local n
    n=$(tcpdump -r "$CAP_FILE" 2>/dev/null | wc -l)
    [[ $n -gt 0 ]] || die "$CAP_FILE is empty"
    log "$(basename "$CAP_FILE"): $n packets"
    CAP_PID=""
}

# ------------------------------------------------------------------- setup --
log "namespaces $NSA / $NSB, work dir $WORK"
new_ns "$NSA"
new_ns "$NSB"

veth_pair a-eth0 "$MAC_A" "$IP_A" b-eth0 "$MAC_B" "$IP_B"
veth_pair a-vlan "$MAC_A_VLAN" "$IP_A_VLAN" b-vlan "$MAC_B_VLAN" "$IP_B_VLAN"
veth_pair a-qinq "$MAC_A_QINQ" "$IP_A_QINQ" b-qinq "$MAC_B_QINQ" "$IP_B_QINQ"

# Servers in NSB.
spawn udp-echo ip netns exec "$NSB" socat -T 1 "UDP4-RECVFROM:$UDP_ECHO_PORT,fork" PIPE
wait_for "UDP echo server" bash -c "ip netns exec '$NSB' ss -Hlun 'sport = :$UDP_ECHO_PORT' | grep -q ."

python3 - "$WORK/www/hello.txt" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(160):   # 160 lines * 64 bytes = 10240 bytes
        line = "line %03d: strata reference capture, served by python http.server" % i
        f.write(line.ljust(63)[:63] + "\n")
EOF
spawn http-server ip netns exec "$NSB" python3 -m http.server "$HTTP_PORT" \
    --bind "$IP_B" --directory "$WORK/www"
wait_for "HTTP server" bash -c "ip netns exec '$NSB' ss -Hltn 'sport = :$HTTP_PORT' | grep -q ."

# ------------------------------------------------------------------ 1. ARP --
ip -n "$NSA" neigh flush dev a-eth0
ip -n "$NSB" neigh flush dev b-eth0
cap_start "$NSA" a-eth0 arp.pcap
nsa arping -q -c 2 -w 3 -I a-eth0 "$IP_B" || die "arping got no reply"
nsb arping -q -U -c 1 -I b-eth0 "$IP_B" || true   # gratuitous: no reply expected
cap_stop

# ----------------------------------------------------------------- 2. ping --
ip -n "$NSA" neigh flush dev a-eth0
ip -n "$NSB" neigh flush dev b-eth0
cap_start "$NSA" a-eth0 ping.pcap
nsa ping -q -c 4 -i 0.2 -W 2 "$IP_B" >/dev/null
cap_stop
editcap -F pcapng "$OUT/ping.pcap" "$OUT/ping.pcapng"

# From here on the neighbours are static, so no ARP in the remaining captures
# (except vlan/qinq, whose links keep dynamic ARP to show tagged ARP frames).
ip -n "$NSA" neigh replace "$IP_B" lladdr "$MAC_B" dev a-eth0 nud permanent
ip -n "$NSB" neigh replace "$IP_A" lladdr "$MAC_A" dev b-eth0 nud permanent

cap_start "$NSA" a-eth0 ping-frag.pcap
nsa ping -q -c 2 -i 0.2 -W 2 -s 4000 "$IP_B" >/dev/null
nsa ping -q -c 2 -i 0.2 -W 2 -s 3000 "$IP_B" >/dev/null
cap_stop

# ------------------------------------------------------------------ 3. UDP --
cap_start "$NSA" a-eth0 udp.pcap
nsa python3 "$HELPERS" udp-client "$IP_B" "$UDP_ECHO_PORT" 16,512,1472,3000 \
    --expect-reply --sport "$CLIENT_SPORT"
cap_stop

cap_start "$NSA" a-eth0 udp-unreach.pcap
nsa python3 "$HELPERS" udp-client "$IP_B" "$UDP_CLOSED_PORT" 32,100,3000 \
    --sport "$CLIENT_SPORT"
cap_stop

# ------------------------------------------------------------- 4. TCP/HTTP --
cap_start "$NSA" a-eth0 tcp-http.pcap
nsa curl -sS --noproxy '*' --max-time 10 -o "$WORK/hello.out" \
    "http://$IP_B:$HTTP_PORT/hello.txt"
cap_stop
cmp -s "$WORK/hello.out" "$WORK/www/hello.txt" || die "HTTP download mismatch"

# ---------------------------------------------------------- 5. VLAN / QinQ --
# This kernel has no 8021q module and no bridge VLAN filtering, so the tags
# are pushed/popped by the kernel's bpf_skb_vlan_push/pop helpers (tiny TCX
# eBPF programs, see helpers.py).  The IP/ARP traffic itself is ordinary
# kernel traffic; the tagged frames are what the veth actually carries.
vlan_capture() {   # FILE TAGSPEC IFA IFB DST_IP
    local file=$1 tags=$2 ifa=$3 ifb=$4 dst=$5 pa pb
    spawn "tag-$ifa" ip netns exec "$NSA" python3 "$HELPERS" vlan-tag "$ifa" "$tags"; pa=$BG_PID
    spawn "tag-$ifb" ip netns exec "$NSB" python3 "$HELPERS" vlan-tag "$ifb" "$tags"; pb=$BG_PID
    wait_for "vlan tagger on $ifa" grep -qx ready "$WORK/tag-$ifa.log"
    wait_for "vlan tagger on $ifb" grep -qx ready "$WORK/tag-$ifb.log"
    ip -n "$NSA" neigh flush dev "$ifa"
    ip -n "$NSB" neigh flush dev "$ifb"
    cap_start "$NSA" "$ifa" "$file"
    nsa ping -q -c 2 -i 0.2 -W 2 "$dst" >/dev/null
    nsa python3 "$HELPERS" udp-client "$dst" "$UDP_ECHO_PORT" 64 \
        --expect-reply --sport "$CLIENT_SPORT"
    cap_stop
    stop "$pa"
    stop "$pb"
    # Remove the pair so no late ARP probe leaks (untagged) into later captures.
    ip -n "$NSA" link del "$ifa"
}
vlan_capture vlan.pcap 100 a-vlan b-vlan "$IP_B_VLAN"
vlan_capture qinq.pcap ad:200,300 a-qinq b-qinq "$IP_B_QINQ"

# ----------------------------------------------------- 6. cooked (-i any) --
for spec in "cooked-any.pcap LINUX_SLL2" "cooked-sll.pcap LINUX_SLL"; do
    read -r file dlt <<<"$spec"
    cap_start "$NSA" any "$file" -y "$dlt"
    nsa ping -q -c 2 -i 0.2 -W 2 "$IP_B" >/dev/null
    nsa python3 "$HELPERS" udp-client "$IP_B" "$UDP_ECHO_PORT" 64 \
        --expect-reply --sport "$CLIENT_SPORT"
    cap_stop
done

# ---------------------------------------------------------- 7. raw IPv4 --
# No ipip/gre in this kernel, so: a tun device in each namespace, joined by a
# socat tun<->UDP tunnel over the a-eth0/b-eth0 veth.  tcpdump on a tun
# device gives LINKTYPE_RAW (bare IPv4 packets, no link-layer header).
spawn tun-b ip netns exec "$NSB" socat \
    "UDP4-DATAGRAM:$IP_A:$TUN_PORT,bind=$IP_B:$TUN_PORT" \
    "TUN:$IP_B_TUN/24,tun-name=tun0,tun-type=tun,iff-no-pi,iff-up"
tun_b=$BG_PID
spawn tun-a ip netns exec "$NSA" socat \
    "UDP4-DATAGRAM:$IP_B:$TUN_PORT,bind=$IP_A:$TUN_PORT" \
    "TUN:$IP_A_TUN/24,tun-name=tun0,tun-type=tun,iff-no-pi,iff-up"
tun_a=$BG_PID
wait_for "tun0 in $NSA" bash -c "ip -n '$NSA' addr show dev tun0 | grep -q '$IP_A_TUN'"
wait_for "tun0 in $NSB" bash -c "ip -n '$NSB' addr show dev tun0 | grep -q '$IP_B_TUN'"
offloads_off "$NSA" tun0
offloads_off "$NSB" tun0
cap_start "$NSA" tun0 raw-ipv4.pcap
nsa ping -q -c 2 -i 0.2 -W 2 "$IP_B_TUN" >/dev/null
nsa python3 "$HELPERS" udp-client "$IP_B_TUN" "$UDP_ECHO_PORT" 64 \
    --expect-reply --sport "$CLIENT_SPORT"
cap_stop
stop "$tun_a"
stop "$tun_b"

# --------------------------------------------------------------- publish --
for f in "$OUT"/*; do
    install -m 0644 "$f" "$HERE/$(basename "$f")"
done
log "wrote: $(cd "$OUT" && echo *)"
log "done"
