#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `specgd slurm` and for the CI test
# (test/cluster/slurm.test.ts). No systemd is needed: the daemons are started by hand and stopped by PID.
#
#   scripts/slurm-local.sh install   # apt-get install slurm-wlm munge (Debian; root); exit 3 when impossible
#   scripts/slurm-local.sh start     # munged (unless one runs), slurmctld, slurmd; prints `export SLURM_CONF=...`
#   scripts/slurm-local.sh status    # sinfo
#   scripts/slurm-local.sh stop      # stops the daemons this script started (by their PIDs), nothing else
#
# Everything lives under $SPECGD_SLURM_DIR (default /tmp/specgd-slurm): slurm.conf, state, spool, logs, PIDs.
# Clients (sbatch, squeue, scontrol, and the jobs) read that slurm.conf through SLURM_CONF, so the machine's
# /etc/slurm is not touched. Node: the hostname, NodeAddr=127.0.0.1, CPUs=2, ProctrackType=proctrack/linuxproc,
# TaskPlugin=task/none, no accounting (so no sacct: use squeue / scontrol show job). Ports: $SPECGD_SLURM_PORT
# (slurmctld, default 16817) and the next one (slurmd).
set -euo pipefail

DIR="${SPECGD_SLURM_DIR:-/tmp/specgd-slurm}"
PORT="${SPECGD_SLURM_PORT:-16817}"
CPUS="${SPECGD_SLURM_CPUS:-2}"
CONF="$DIR/slurm.conf"
NODE="$(hostname)"

say() { echo "slurm-local: $*" >&2; }

install() {
  if command -v sbatch >/dev/null && command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then say "not root: cannot apt-get install slurm-wlm munge"; exit 3; fi
  if ! command -v apt-get >/dev/null; then say "no apt-get: cannot install slurm-wlm munge"; exit 3; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || { say "apt-get update failed"; exit 3; }
  apt-get install -y -qq slurm-wlm munge >/dev/null || { say "apt-get install slurm-wlm munge failed"; exit 3; }
}

write_conf() {
  local mem
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
  cat >"$CONF" <<EOF
ClusterName=specgd-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=600
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  chown -R slurm:slurm "$DIR/state" "$DIR/log"
  chmod 644 "$CONF"
  if ! runuser -u slurm -- test -w "$DIR/state" -a -r "$CONF"; then
    say "user slurm cannot reach $DIR (a parent folder is not searchable by others: chmod o+x it, or set SPECGD_SLURM_DIR)"
    exit 1
  fi
}

# Wait (up to $2 seconds) for PID file $1 to name a live process.
wait_pid() {
  local end=$((SECONDS + $2))
  while [ $SECONDS -lt "$end" ]; do
    if [ -s "$1" ] && pid_alive "$(cat "$1")"; then return 0; fi
    sleep 0.1
  done
  return 1
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

start() {
  install
  if [ -f "$DIR/started.pids" ]; then
    say "already started (PIDs in $DIR/started.pids); run stop first"
    exit 1
  fi
  mkdir -p "$DIR"
  : >"$DIR/started.pids"
  write_conf
  # munged: as user munge, socket in /run/munge. Reuse one that already runs (and leave it running at stop).
  if [ -S /run/munge/munge.socket.2 ] && munge -n </dev/null | unmunge >/dev/null 2>&1; then
    say "munged already running: reusing it"
  else
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    chmod 755 /run/munge
    [ -f /etc/munge/munge.key ] || { runuser -u munge -- /usr/sbin/mungekey --create >/dev/null 2>&1 || runuser -u munge -- /usr/sbin/create-munge-key; }
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged 2>>"$DIR/munged.err" || true
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    [ -s /run/munge/munged.pid ] || { say "munged did not start: $(cat "$DIR/munged.err")"; exit 1; }
    echo "munged $(cat /run/munge/munged.pid)" >>"$DIR/started.pids"
  fi
  export SLURM_CONF="$CONF"
  /usr/sbin/slurmctld -f "$CONF"
  wait_pid "$DIR/slurmctld.pid" 10 || { say "slurmctld did not start: $(tail -n 3 "$DIR/log/slurmctld.log" 2>/dev/null)"; stop; exit 1; }
  echo "slurmctld $(cat "$DIR/slurmctld.pid")" >>"$DIR/started.pids"
  /usr/sbin/slurmd -f "$CONF"
  wait_pid "$DIR/slurmd.pid" 10 || { say "slurmd did not start: $(tail -n 3 "$DIR/log/slurmd.log" 2>/dev/null)"; stop; exit 1; }
  echo "slurmd $(cat "$DIR/slurmd.pid")" >>"$DIR/started.pids"
  # Ready when the node is idle (at most 30 s; each sinfo call at most 5 s).
  local state="" end=$((SECONDS + 30))
  while [ $SECONDS -lt $end ]; do
    pid_alive "$(cat "$DIR/slurmctld.pid")" || { say "slurmctld exited: $(tail -n 3 "$DIR/log/slurmctld.log")"; stop; exit 1; }
    state=$(timeout 5 sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null || true)
    case "$state" in idle*|mixed*|allocated*) break ;; esac
    sleep 0.2
  done
  case "$state" in
    idle*|mixed*|allocated*) say "ready: node $NODE $state (SLURM_CONF=$CONF)" ;;
    *) say "node $NODE not ready (state '${state}'); logs in $DIR/log"; stop; exit 1 ;;
  esac
  echo "export SLURM_CONF=$CONF"
}

stop() {
  [ -f "$DIR/started.pids" ] || { say "nothing started from $DIR"; return 0; }
  # Reverse order: slurmd, slurmctld, munged.
  tac "$DIR/started.pids" | while read -r name pid; do
    if pid_alive "$pid"; then
      kill "$pid"
      for _ in $(seq 100); do pid_alive "$pid" || break; sleep 0.1; done
      if pid_alive "$pid"; then kill -9 "$pid"; fi
      say "stopped $name ($pid)"
    fi
  done
  rm -f "$DIR/started.pids"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) SLURM_CONF="$CONF" sinfo ;;
  *) echo "usage: $0 install|start|status|stop" >&2; exit 2 ;;
esac
