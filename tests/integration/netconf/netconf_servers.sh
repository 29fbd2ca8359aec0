# NETCONF servers for tests and benchmarks, sourced: yuma123's netconfd behind a private sshd on
# loopback, each pair in a mount namespace of its own whose /tmp is $WORK/ns-NAME (netconfd's
# socket and netconf-subsystem's default path live there). Needs root.
#
# The sourcing script sets WORK (a private folder), YANG (the IEEE modules) and PGIDS=() and
# kills every process group in PGIDS on exit; it calls netconf_servers_init once, then
# start_server NAME [MODULE | deviation:MODULE | target:running]... per server. Modules named
# must be in $YANG, /usr/share/yuma/modules or $WORK/yang-test. Afterwards PORT[NAME] is the
# server's SSH port, $WORK/client_key and $WORK/known_hosts authenticate both ways.

# Every module netconfd announces, for agents.yaml yang-dir: what a session finds there it does
# not fetch with <get-schema> (a dozen round trips per session, and netconfd's weak spot).
YUMA_YANG_DIRS=/usr/share/yuma/modules/ietf:/usr/share/yuma/modules/yuma123:/usr/share/yuma/modules/netconfcentral
YUMA_YANG_DIRS+=:/usr/share/yuma/modules/ietf-draft:/usr/share/yuma/modules/ietf-derived

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

NETCONF_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

netconf_servers_init() {
  mkdir -p "$WORK/yang-test"
  ssh-keygen -q -t ed25519 -N '' -f "$WORK/client_key"
  : >"$WORK/known_hosts"
}

# start_server NAME MODULES...: netconfd + sshd in a new mount namespace whose /tmp is
# $WORK/ns-NAME; sets PORT[NAME].
declare -A PORT
start_server() {
  local name=$1
  shift
  local dir=$WORK/ns-$name port
  port=$(free_port)
  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
  cp "$WORK/client_key.pub" "$dir/authorized_keys"
  # $WORK is hidden inside the namespace; $dir is its /tmp
  if compgen -G "$WORK/yang-test/*.yang" >/dev/null; then cp "$WORK"/yang-test/*.yang "$dir/"; fi
  cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey /tmp/host_key
PidFile /tmp/sshd.pid
AuthorizedKeysFile /tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=$port@/tmp/ncxserver.sock
EOF
  local modules=""
  for m in "$@"; do
    case $m in
      deviation:*) modules+=" --deviation=${m#deviation:}" ;;  # yuma123 applies deviations given so
      target:*) modules+=" --target=${m#target:}" ;;            # running: no candidate, no confirmed commit
      *) modules+=" --module=$m" ;;
    esac
  done
  cat >"$dir/run.sh" <<EOF
set -e
mount --make-rprivate /
mount --bind "$dir" /tmp
mkdir -p /run/sshd
netconfd --modpath=$YANG:/tmp:/usr/share/yuma/modules $modules --no-startup --superuser=root \
  --port=$port --log=/tmp/netconfd.log --log-level=info >/tmp/netconfd.out 2>&1 &
for _ in \$(seq 100); do [ -S /tmp/ncxserver.sock ] && break; sleep 0.1; done
exec /usr/sbin/sshd -D -f /tmp/sshd_config -E /tmp/sshd.log
EOF
  setsid unshare -m bash "$dir/run.sh" >"$WORK/server-$name.log" 2>&1 &
  PGIDS+=($!)
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >>"$WORK/known_hosts"
  local _
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [[ -S $dir/ncxserver.sock ]] && break
    sleep 0.1
  done
  if ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "FAIL: NETCONF server $name did not start"
    exit 1
  fi
  PORT[$name]=$port
}

# nc NAME RPC...: a plain NETCONF client (netconf_client.py) on server NAME; one reply a line.
nc() {
  local name=$1
  shift
  python3 "$NETCONF_LIB_DIR/netconf_client.py" "${PORT[$name]}" "$WORK/client_key" "$WORK/known_hosts" "$@"
}
# get_running NAME: the server's running configuration (XML, one line).
get_running() { nc "$1" '<get-config><source><running/></source></get-config>'; }
# gate_value NAME PORT INDEX: gate-states-value of that admin gate control entry in running.
gate_value() {
  get_running "$1" | python3 -c '
import sys, xml.etree.ElementTree as ET
port, index = sys.argv[1:3]
local = lambda e: e.tag.rsplit("}", 1)[-1]
for i in ET.fromstring(sys.stdin.read()).iter():
    if local(i) != "interface" or not any(local(c) == "name" and c.text == port for c in i):
        continue
    for e in i.iter():
        if local(e) == "gate-control-entry" and any(local(c) == "index" and c.text == index for c in e):
            print(next(c.text for c in e if local(c) == "gate-states-value"))
' "$2" "$3"
}


