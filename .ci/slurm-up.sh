#!/usr/bin/env bash
# A real single-node Slurm on this machine for the workflow tests: munged, slurmctld and slurmd
# on localhost with 2 CPUs, no accounting database. Idempotent: a running, answering cluster is
# left as it is. Needs root and Debian's slurm-wlm and munge (.ci/run installs them).
#   .ci/slurm-up.sh          start (or check) the cluster
#   .ci/slurm-up.sh down     stop it
set -euo pipefail

state=/var/spool/hepkey-slurm
conf=/etc/slurm/slurm.conf
log=/tmp/hepkey-slurm

# Stops our daemons. A pid file can outlive its daemon (a rebooted or copied machine) and its
# number then belong to any process, the CI runner's included: kill it only if it still is the
# daemon the file names.
stop() {
  for daemon in slurmd slurmctld; do
    pidfile="$state/$daemon.pid"
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$daemon" ]; then
      kill "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  done
}

if [ "${1:-up}" = down ]; then
  stop
  exit 0
fi

for tool in munged slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm-up: $tool not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done

# Already up: slurmctld answers and the node takes jobs.
if sinfo -h -N -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
  exit 0
fi

mkdir -p "$state" "$log" /etc/slurm /run/munge
# munge: the key the package made, or a new one.
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile /etc/munge/munge.key
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi

cat > "$conf" <<CONF
# Written by hepkey's .ci/slurm-up.sh: one node, localhost, 2 CPUs, no accounting.
ClusterName=hepkey
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue for 10 minutes: snakemake's Slurm executor reads their
# state with squeue when there is no accounting database (--slurm-status-command squeue).
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=8000 State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$state/ctld" "$state/d"

stop
slurmctld -i
slurmd -N localhost

for _ in $(seq 100); do
  if sinfo -h -N -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
    exit 0
  fi
  sleep 0.2
done
echo "slurm-up: the node did not come up; sinfo says:" >&2
sinfo -N -l >&2 || true
echo "--- $log/slurmctld.log" >&2; tail -n 30 "$log/slurmctld.log" >&2 || true
echo "--- $log/slurmd.log" >&2; tail -n 30 "$log/slurmd.log" >&2 || true
exit 1
