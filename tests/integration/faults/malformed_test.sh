#!/usr/bin/env bash
# Fault: malformed frames at line rate (issue 13). While the plc's streams run:
#   1. rogue (sw1:p5), the plc (sw1:p1) and a raw socket on the link sw1:p2 -> sw2:p1 send, round
#      robin, runts (< 14 B, which a veth refuses, and 14..40 B), a TPID 0x8100 with the TCI cut
#      off or no EtherType behind it, 0x88A8 with nothing after it, an S-tag with a cut C-tag,
#      R-TAGs (0xF1C1) cut after 2, 4 and 6 octets with remote-io's destination, VLAN and PCP
#      (rogue only), unknown EtherTypes, 9000 B frames (MTU 9000 on those veths) and frames with
#      remote-io's identity larger than its max SDU. Both dataplanes keep running and answer
#      /metrics; local-io and remote-io lose nothing; every frame a bridge received of them is
#      accounted: dropped as malformed (the layer-2 header is cut), policed (the wildcard filter
#      at p5), discarded by remote-io's stream filter as max-sdu-exceeded (p1 at sw1, p1 at sw2),
#      or forwarded when its header is whole (short and unknown-EtherType frames are frames).
#   2. the plc and the link send remote-io's identity with cut R-TAGs: sw1 (which numbers
#      remote-io) and sw2 (which recovers it) drop what their stream filter passes as r-tag-error
#      and forward none of it; local-io loses nothing. remote-io may lose frames here: the cut
#      frames share its identity and so its flow meter.
#   usage: malformed_test.sh TAKTCTL TAKT_DATAPLANE TAKT_CONTROLLER TAKT_PMC TAKT_PROBE
set -euo pipefail

# shellcheck source=protection_cell.sh
source "$(dirname "$0")/protection_cell.sh"

faults_setup
HERE=$(cd "$(dirname "$0")" && pwd)
PLC_MAC=02:00:00:00:0f:01
ROGUE_MAC=02:00:00:00:0f:0e
LINK_MAC=02:00:00:00:0f:0c   # the raw socket on sw1:p2
NOBODY=02:00:00:00:0f:0d     # a unicast address no station has: flooded
RIO="$(plan_stream remote-io destination-mac):$(plan_stream remote-io vlan):$(plan_stream remote-io pcp)"
SEND_S=${MALFORMED_SECONDS:-3}
# Python on veth at full speed starves this 2-core testbed (babbler_test.sh says how): a fixed
# rate per sender, MALFORMED_RATE=0 for as fast as it can.
RATE=${MALFORMED_RATE:-3000}
for pair in "rogue eth0" "plc eth0" "sw1 p5" "sw1 p1" "sw1 p2" "sw2 p1"; do
  read -r node ifc <<<"$pair"
  ip -n "$(ns_of "$node")" link set "$ifc" mtu 9000
done
for node in rogue plc sw1; do ip netns exec "$(ns_of "$node")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || true; done

# send NAME NODE IFACE SRC RATE KIND...: in the background, summary in $WORK/sent-NAME.json
send() {
  local name=$1 node=$2 ifc=$3 src=$4 rate=$5
  shift 5
  ip netns exec "$(ns_of "$node")" nice -n 19 python3 "$HERE/malformed.py" "$ifc" "$src" "$SEND_S" "$rate" "$@" >"$WORK/sent-$name.json" &
  PID[send-$name]=$!
  netns_track "${PID[send-$name]}"
}
# sent NAME [KIND...]: frames the kernel took from sender NAME (of these kinds; all without)
sent() {
  local name=$1
  shift
  jq --argjson k "$(printf '%s\n' "$@" | jq -R . | jq -sc 'map(select(. != ""))')" \
    '[to_entries[] | select(($k | length) == 0 or (.key as $x | $k | index($x))) | .value.sent] | add // 0' "$WORK/sent-$name.json"
}
all_dropped() { grep '^takt_dataplane_dropped_frames_total' <<<"$1" | awk '$2 > 0' | tr '\n' ' '; }
alive() {
  local b
  for b in "${BRIDGES[@]}"; do
    kill -0 "${PID[$b]}" 2>/dev/null || fail "takt-dataplane $b is gone: $(tail -5 "$WORK/dataplane-$b.log")"
    agent_get "$b" /metrics >/dev/null || fail "takt-dataplane $b does not answer /metrics"
  done
}

# port_line BRIDGE PORT BEFORE AFTER: what the port received and did with it
port_line() {
  local p=$2 x=$3 y=$4
  echo "$1 $p: rx $(metric_delta "$x" "$y" takt_dataplane_rx_frames_total port="$p"), forwarded $(metric_delta "$x" "$y" takt_dataplane_forwarded_frames_total port="$p")," \
    "dropped malformed $(metric_delta "$x" "$y" takt_dataplane_dropped_frames_total port="$p" reason=malformed)," \
    "policed $(metric_delta "$x" "$y" takt_dataplane_dropped_frames_total port="$p" reason=policed) (max-sdu-exceeded $(metric_delta "$x" "$y" takt_psfp_discarded_frames_total port="$p" reason=max-sdu-exceeded)," \
    "stream-gate-closed $(metric_delta "$x" "$y" takt_psfp_discarded_frames_total port="$p" reason=stream-gate-closed), flow-meter-red $(metric_delta "$x" "$y" takt_psfp_discarded_frames_total port="$p" reason=flow-meter-red))," \
    "r-tag-error $(metric_delta "$x" "$y" takt_dataplane_dropped_frames_total port="$p" reason=r-tag-error), no-egress $(metric_delta "$x" "$y" takt_dataplane_dropped_frames_total port="$p" reason=no-egress)"
}
CUT="vlan-cut-14:$NOBODY:-:0 vlan-cut-16:$NOBODY:100:5 stag-cut:$NOBODY:-:0 qinq-cut:$NOBODY:-:0"
CUT_KINDS=(vlan-cut-14 vlan-cut-16 stag-cut qinq-cut)

# 1. The mix. The rogue's frames cross its veth and sw1's kernel, which refuses frames shorter
# than 14 B and drops a cut VLAN tag before any packet socket sees it (it pulls every tag out
# of the frame; the PMD puts it back): those never reach takt-dataplane. A raw socket on sw1's
# side of a veth ("tap", p5 toward the rogue, p2 toward sw2) reaches it unaltered: af_packet
# sockets also see what a port sends, so sw1 receives those frames at that port.
b1=$(agent_get sw1 /metrics)
b2=$(agent_get sw2 /metrics)
traffic_start 8
sleep 1
# shellcheck disable=SC2086
{
  send rogue rogue eth0 "$ROGUE_MAC" "$RATE" runt-6:$NOBODY:-:0 runt-13:$NOBODY:-:0 runt-14:$NOBODY:-:0 runt-40:$NOBODY:-:0 \
    $CUT rtag-cut2:"$RIO" rtag-cut4:"$RIO" rtag-cut6:"$RIO" unknown-type:$NOBODY:-:0 unknown-rio=unknown-type:"$RIO" \
    oversize-9000:$NOBODY:-:0 oversize-200:"$RIO"
  send tap sw1 p5 "$ROGUE_MAC" $((RATE / 3)) $CUT rtag-cut2:"$RIO" rtag-cut4:"$RIO"
  send plc plc eth0 "$PLC_MAC" $((RATE / 3)) runt-13:$NOBODY:-:0 $CUT oversize-83:"$RIO" oversize-200:"$RIO" \
    oversize-1500:"$RIO" oversize-9000:"$RIO"
  send link sw1 p2 "$LINK_MAC" $((RATE / 3)) $CUT oversize-89:"$RIO" oversize-1500:"$RIO" oversize-9000:"$RIO"
}
for s in rogue tap plc link; do wait "${PID[send-$s]}" || fail "the $s sender failed"; done
for s in rogue tap plc link; do
  say "$s sent $(jq -c 'map_values(.sent)' "$WORK/sent-$s.json"); refused by the kernel: $(jq -c 'map_values(.refused) | with_entries(select(.value > 0))' "$WORK/sent-$s.json")"
done
traffic_finish
a1=$(agent_get sw1 /metrics)
a2=$(agent_get sw2 /metrics)
alive
for p in p5 p1 p2; do say "$(port_line sw1 $p "$b1" "$a1")"; done
say "$(port_line sw2 p1 "$b2" "$a2")"
check_unharmed local-io sw1
check_unharmed remote-io sw1 sw2
m=$(metric_delta "$b1" "$a1" takt_dataplane_dropped_frames_total port=p5 reason=malformed)
pol=$(metric_delta "$b1" "$a1" takt_dataplane_dropped_frames_total port=p5 reason=policed)
fwd=$(metric_delta "$b1" "$a1" takt_dataplane_forwarded_frames_total port=p5)
rx=$(metric_delta "$b1" "$a1" takt_dataplane_rx_frames_total port=p5)
cut_sent=$(sent tap "${CUT_KINDS[@]}")
whole_sent=$(sent rogue runt-14 runt-40 unknown-type oversize-9000)
((m > 0 && m <= cut_sent)) || fail "sw1 dropped $m frames as malformed at p5 of the $cut_sent with a cut tag"
((m >= cut_sent * 9 / 10)) || say "note: sw1 saw only $m of the $cut_sent frames with a cut tag (its socket missed some)"
((rx == m + pol + fwd)) || fail "sw1 p5: $rx received, but $m malformed + $pol policed + $fwd forwarded"
# Forwarded are only frames whose header is whole: a cut frame forwarded would show here.
((fwd <= whole_sent)) || fail "sw1 forwarded $fwd frames from p5, more than the $whole_sent with a whole header"
((pol <= $(sent rogue rtag-cut4 rtag-cut6 unknown-rio oversize-200) + $(sent tap rtag-cut2 rtag-cut4))) ||
  fail "sw1 policed $pol frames at p5, more than were sent on remote-io's identity"
ok "sw1 p5: received $rx, dropped $m malformed (of $cut_sent with a cut tag), policed $pol on remote-io's identity, forwarded $fwd (of $whole_sent with a whole header)"
sdu=$(metric_delta "$b1" "$a1" takt_psfp_discarded_frames_total stream=remote-io port=p1 reason=max-sdu-exceeded)
big=$(sent plc oversize-83 oversize-200 oversize-1500 oversize-9000)
((sdu > big / 2 && sdu <= big)) || fail "sw1 discarded $sdu frames as max-sdu-exceeded for remote-io at p1 of the plc's $big oversized"
m=$(metric_delta "$b1" "$a1" takt_dataplane_dropped_frames_total port=p2 reason=malformed)
((m > 0 && m <= $(sent link "${CUT_KINDS[@]}"))) || fail "sw1 dropped $m frames as malformed at p2 of the $(sent link "${CUT_KINDS[@]}") the link tap sent with a cut tag"
sdu2=$(metric_delta "$b2" "$a2" takt_psfp_discarded_frames_total stream=remote-io port=p1 reason=max-sdu-exceeded)
big2=$(sent link oversize-89 oversize-1500 oversize-9000)
((sdu2 > big2 / 2 && sdu2 <= big2)) || fail "sw2 discarded $sdu2 frames as max-sdu-exceeded for remote-io at p1 of the $big2 oversized from the link"
ok "max-sdu-exceeded for remote-io: sw1 p1 $sdu of the plc's $big, sw2 p1 $sdu2 of the link's $big2; sw1 p2 malformed $m"

# 2. Cut R-TAGs on remote-io's identity, at the bridge that numbers it and at the one that
# recovers it (a cut after 2 octets leaves the VLAN tag without an EtherType for the kernel).
b1=$(agent_get sw1 /metrics)
b2=$(agent_get sw2 /metrics)
traffic_start 6
sleep 1
SEND_S=3
send plc plc eth0 "$PLC_MAC" $((RATE / 6)) rtag-cut2:"$RIO" rtag-cut4:"$RIO" rtag-cut6:"$RIO"
send link sw1 p2 "$LINK_MAC" $((RATE / 6)) rtag-cut2:"$RIO" rtag-cut4:"$RIO" rtag-cut6:"$RIO"
for s in plc link; do wait "${PID[send-$s]}" || fail "the $s sender failed"; done
for s in plc link; do say "$s sent $(jq -c 'map_values(.sent)' "$WORK/sent-$s.json")"; done
traffic_finish
a1=$(agent_get sw1 /metrics)
a2=$(agent_get sw2 /metrics)
alive
say "$(port_line sw1 p1 "$b1" "$a1")"
say "$(port_line sw2 p1 "$b2" "$a2")"
check_unharmed local-io sw1
say "remote-io (shares its meter with the cut frames): $(stream_line remote-io), duplicates $(listener_field io2 remote-io duplicated)"
rt1=$(metric_delta "$b1" "$a1" takt_dataplane_dropped_frames_total port=p1 reason=r-tag-error)
passing=$(metric_delta "$b1" "$a1" takt_psfp_passing_frames_total stream=remote-io port=p1)
red=$(metric_delta "$b1" "$a1" takt_psfp_discarded_frames_total stream=remote-io port=p1 reason=flow-meter-red)
yellow=$(metric_delta "$b1" "$a1" takt_psfp_discarded_frames_total stream=remote-io port=p1 reason=flow-meter-yellow)
generated=$(metric_delta "$b1" "$a1" takt_frer_generated_frames_total stream=remote-io)
((rt1 > 0 && rt1 <= $(sent plc))) || fail "sw1 dropped $rt1 frames as r-tag-error at p1 of the plc's $(sent plc) cut R-TAGs"
((rt1 == passing - red - yellow - generated)) ||
  fail "sw1 p1: remote-io's filter passed $((passing - red - yellow)), $generated numbered, but $rt1 r-tag-errors"
rt2=$(metric_delta "$b2" "$a2" takt_dataplane_dropped_frames_total port=p1 reason=r-tag-error)
((rt2 > 0 && rt2 <= $(sent link))) || fail "sw2 dropped $rt2 frames as r-tag-error at p1 of the link's $(sent link) cut R-TAGs"
rogue=$(metric_delta "$b2" "$a2" takt_frer_recovery_frames_total stream=remote-io result=rogue)
passed=$(metric_delta "$b2" "$a2" takt_frer_recovery_frames_total stream=remote-io result=passed)
((passed <= $(stream_field remote-io sent))) || fail "sw2's recovery passed $passed frames of remote-io, more than the talker's $(stream_field remote-io sent)"
ok "cut R-TAGs: sw1 dropped $rt1 (every one its filter passed), sw2 dropped $rt2 of the link's $(sent link); sw2 recovery passed $passed, rogue $rogue"
alive
ok "both takt-dataplanes run and answer /metrics"
