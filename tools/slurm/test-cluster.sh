#!/usr/bin/env bash
# A real single-node Slurm cluster (Debian 12's slurmctld + slurmd + munge, Slurm 22.05) for tests, without systemd.
#   tools/slurm/test-cluster.sh start DIR   start munged, slurmctld and slurmd with every file under DIR;
#                                           prints SLURM_CONF=DIR/slurm.conf (what clients need) when the node is idle
#   tools/slurm/test-cluster.sh stop DIR    cancel its jobs and stop its daemons by their PIDs (safe to repeat)
# Runs as root (slurmd starts jobs as their submitter). Ports are picked free at start, so several clusters (in
# different DIRs) can run at once on one host. Exit 1 with "error: ..." and the daemon's log tail when something
# does not come up.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
(($# == 2)) || usage
action=$1
[[ $action == stop && ! -d $2 ]] && exit 0
mkdir -p "$2"
dir=$(cd "$2" && pwd)
conf=$dir/slurm.conf
export SLURM_CONF=$conf

fail() {
  echo "error: slurm test cluster in $dir: $1" >&2
  for log in "$dir"/log/*.log; do
    [[ -s $log ]] && { echo "--- last lines of $log" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

pid_of() { [[ -s $dir/run/$1.pid ]] && tr -dc '0-9' <"$dir/run/$1.pid" || true; }

# Stops one daemon by the PID it wrote: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
  local pid
  pid=$(pid_of "$1")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/run/$1.pid"
}

stop() {
  if alive "$(pid_of slurmctld)" && [[ -f $conf ]]; then
    scancel --quiet --full --user=root 2>/dev/null || true
    for _ in $(seq 50); do [[ -z $(squeue --noheader --states=RUNNING,COMPLETING 2>/dev/null) ]] && break; sleep 0.2; done
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
}

# A TCP port nobody listens on (read from /proc, so it needs no network tools).
listening() {
  awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print strtonum("0x" a[2]) }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
free_port() {
  local used port
  used=$(listening)
  while :; do
    port=$((20000 + RANDOM % 40000))
    grep -qx "$port" <<<"$used" || [[ $port == "${1:-}" ]] || { echo "$port"; return; }
  done
}

wait_for() { # seconds, description, command...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  fail "$what did not come up within ${seconds} s"
}

node_idle() { [[ $(sinfo --noheader --nodes="$node" --format=%t 2>/dev/null) == idle ]]; }

start() {
  [[ $(id -u) -eq 0 ]] || fail "must run as root (slurmd runs jobs as their submitter)"
  for tool in munged mungekey slurmctld slurmd scontrol sbatch sinfo; do
    command -v "$tool" >/dev/null || fail "$tool not found: apt-get install slurmctld slurmd slurm-client munge"
  done
  stop
  rm -rf "$dir/state" "$dir/spool" "$dir/log" "$dir/munge" "$dir/run"
  # munged refuses a socket directory that is not 0755 and a key that others can read.
  install -d -m 0755 "$dir/munge" "$dir/run" "$dir/log" "$dir/state" "$dir/spool"
  mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null 2>&1 || fail "mungekey could not create a key"
  chmod 0600 "$dir/munge/munge.key"
  local socket=$dir/munge/munge.socket
  munged --socket="$socket" --key-file="$dir/munge/munge.key" --log-file="$dir/log/munged.log" \
         --pid-file="$dir/run/munged.pid" --seed-file="$dir/munge/munged.seed" \
    || fail "munged did not start"
  wait_for 10 munged test -S "$socket"

  node=$(hostname -s)
  local cpus memory ctld_port slurmd_port
  cpus=$(nproc)
  memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  ctld_port=$(free_port)
  slurmd_port=$(free_port "$ctld_port")
  cat >"$conf" <<EOF
# Written by tools/slurm/test-cluster.sh: a one-node test cluster; everything lives under $dir.
ClusterName=cntest$$
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
SchedulerType=sched/builtin
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  slurmctld -f "$conf" || fail "slurmctld did not start"
  wait_for 20 slurmctld scontrol ping
  scontrol ping | grep -q UP || fail "scontrol ping does not report the controller UP"
  slurmd -f "$conf" -N "$node" || fail "slurmd did not start"
  wait_for 30 "node $node (idle)" node_idle
  echo "SLURM_CONF=$conf"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
