#!/bin/bash
# run.sh -- the Slurm recipe of docs/scaling.md, run on a real Slurm.
#
# usage: bash tests/slurm/run.sh ./trialscreen      ("make check-slurm")
#
# Brings up a throw-away single-node cluster (munged, slurmctld and slurmd
# in the foreground, as this script's own children, everything in one
# temporary directory), submits docs/slurm/screen.sbatch as a job array of
# 4 tasks on a generated cohort with a bad line in it, then
# docs/slurm/merge.sbatch with --dependency=afterok, and requires the
# merged output to be byte for byte the output of one process on the
# whole input (error line in place, summary included).  The job scripts
# are the ones docs/scaling.md shows: the test checks that the page quotes
# them verbatim.
#
# Installs slurm-wlm and munge with apt-get when they are missing (as
# root); where that is not possible the test is skipped with a message
# (exit 0).  Every wait is bounded; on any exit the daemons it started are
# stopped by PID and the directory is removed.  Nothing outside the
# temporary directory changes, apart from the installed packages: the
# configuration, the munge key, the sockets, the state and the logs all
# live in it, and the ports are chosen free.

set -u
ts=$(realpath "${1:-./trialscreen}")
src=$(cd "$(dirname "$0")/../.." && pwd)
N=4
COHORT=${TS_SLURM_COHORT:-400}     # records; larger to measure (docs/scaling.md)
WAIT=150                # seconds, for the whole job (the test must stay < 3 min)

say() { echo "check-slurm: $*"; }
die() { say "FAILED: $*"; exit 1; }

# --- packages -----------------------------------------------------------
need=""
command -v munged >/dev/null 2>&1 || need="$need munge"
command -v slurmctld >/dev/null 2>&1 || need="$need slurmctld"
command -v slurmd >/dev/null 2>&1 || need="$need slurmd"
command -v sbatch >/dev/null 2>&1 || need="$need slurm-client"
if [ -n "$need" ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        say "skipped: slurm-wlm and munge are not installed and cannot be" \
            "installed here (needs root and apt-get): missing$need"
        exit 0
    fi
    say "installing slurm-wlm munge"
    # Daemons must not be started by the packages' scripts: this test
    # starts its own.  (Without systemd, invoke-rc.d starts nothing.)
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
               slurm-wlm munge >/dev/null; }; then
        say "skipped: apt-get could not install slurm-wlm and munge"
        exit 0
    fi
fi
if [ "$(id -u)" -ne 0 ]; then
    # SlurmUser root keeps the set-up to one file; as another user slurmd
    # cannot run jobs for anyone but itself.
    say "skipped: the single-node cluster runs as root (SlurmUser=root)"
    exit 0
fi

# --- the recipe must be the one the documentation shows ------------------
# (perl is in every Debian system: perl-base is essential.)
for f in screen.sbatch merge.sbatch; do
    WANT=$(sed 's/^/    /' "$src/docs/slurm/$f") perl -0777 -ne \
        'exit(index($_, $ENV{WANT}) < 0 ? 1 : 0)' "$src/docs/scaling.md" ||
        die "docs/scaling.md does not quote docs/slurm/$f verbatim"
done

# --- a cluster of one node in a temporary directory ----------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ts-slurm-XXXXXX") || die "mktemp"
pids=""
cleanup() {
    local p
    # Newest first: slurmd, slurmctld, then munged, which they talk to.
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    for p in $pids; do
        for _ in $(seq 1 100); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$p" 2>/dev/null; then
            say "daemon $p did not stop on SIGTERM: killing it"
            kill -KILL "$p" 2>/dev/null
        fi
        wait "$p" 2>/dev/null
    done
    # Job steps run in slurmstepd processes of their own (not our
    # children); they end with their jobs, which are finished by now.
    for _ in $(seq 1 50); do
        [ -z "$(ps -eo stat=,comm= | awk '$2 == "slurmstepd" && $1 !~ /^Z/')" ] &&
            break
        sleep 0.1
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

start() {       # start NAME COMMAND...: a foreground daemon of ours
    local name=$1
    shift
    "$@" > "$tmp/$name.out" 2>&1 &
    pids="$! $pids"
    eval "pid_$name=$!"
}

alive() {       # alive NAME: still running?  Else show its log and fail.
    local p
    eval "p=\$pid_$1"
    kill -0 "$p" 2>/dev/null && return 0
    say "$1 exited; its output:"
    tail -n 20 "$tmp/$1.out" "$tmp/$1.log" 2>/dev/null
    die "$1 did not stay up"
}

free_port() {   # a TCP port nobody listens on, from a seed
    local p=$1
    while [ $p -lt 60000 ]; do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo $p
            return
        fi
        p=$((p + 2))
    done
    die "no free port"
}

# slurmd finds its node by the short host name; addresses are given, so
# the name need not resolve.
host=$(hostname -s)
ctld_port=$(free_port $((20000 + $$ % 1000 * 20)))
slurmd_port=$(free_port $((ctld_port + 1)))
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/work/logs"
chmod 700 "$tmp/munge"

# munge: its own key, socket, pid, seed and log, all in $tmp/munge.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge/munge.key"
sock="$tmp/munge/munge.socket"
start munged munged --foreground --force --socket="$sock" \
    --key-file="$tmp/munge/munge.key" --pid-file="$tmp/munge/munged.pid" \
    --seed-file="$tmp/munge/munged.seed" --log-file="$tmp/munge/munged.log"
for _ in $(seq 1 50); do [ -S "$sock" ] && break; alive munged; sleep 0.1; done
[ -S "$sock" ] || die "munged did not create its socket in 5 s"

cat > "$tmp/slurm.conf" <<EOF
ClusterName=trialscreen-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
PlugStackConfig=$tmp/plugstack.conf
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
: > "$tmp/plugstack.conf"
export SLURM_CONF="$tmp/slurm.conf"

start slurmctld slurmctld -D -i -f "$SLURM_CONF"
start slurmd slurmd -D -f "$SLURM_CONF"
state=""
for _ in $(seq 1 300); do
    alive slurmctld
    alive slurmd
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null)
    [ "$state" = idle ] && break
    sleep 0.1
done
[ "$state" = idle ] || { tail -n 20 "$tmp/slurmctld.log" "$tmp/slurmd.log";
                         die "node '$host' not idle after 30 s (state: '${state:-none}')"; }
say "single-node cluster up (node $host, ports $ctld_port/$slurmd_port)"

# --- the input: a cohort with a bad line in the middle -------------------
work=$tmp/work
"$src/bench/gencohort" -n $COHORT -s 17 |
    sed "$((COHORT / 2 + 1))s/.*/{\"id\": oops/" > "$work/extract.ndjson" ||
    die "bench/gencohort failed"
# One process, run where the jobs run (the same "source" in the output),
# with a thread per CPU: the time to beat.
t0=$(date +%s%N)
(cd "$work" && "$ts" --json --summary --no-progress extract.ndjson \
    > "$tmp/one.ndjson" 2>/dev/null)
[ $? -eq 3 ] || die "one process on the whole input: expected status 3 (a bad line)"
one_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

# --- the recipe (docs/scaling.md) -----------------------------------------
cp "$src/docs/slurm/screen.sbatch" "$src/docs/slurm/merge.sbatch" "$work/"
export PATH="$(dirname "$ts"):$PATH"
cd "$work" || die "cd $work"
t0=$(date +%s%N)
jobid=$(sbatch --parsable --array=1-$N screen.sbatch) || die "sbatch (array) failed"
merge_id=$(sbatch --parsable --dependency=afterok:$jobid --export=ALL,SHARDS=$N \
           merge.sbatch) || die "sbatch (merge) failed"
say "submitted array job $jobid (tasks 1-$N) and merge job $merge_id"

job_state() { scontrol show job "$1" 2>/dev/null |
              sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
job_reason() { scontrol show job "$1" 2>/dev/null |
               sed -n 's/.*Reason=\([^ ]*\).*/\1/p' | head -1; }
st=""
for _ in $(seq 1 $((WAIT * 5))); do
    alive slurmctld
    alive slurmd
    st=$(job_state "$merge_id")
    case "$st" in
    COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;;
    PENDING)
        if [ "$(job_reason "$merge_id")" = DependencyNeverSatisfied ]; then
            for k in $(seq 1 $N); do
                say "task $k: $(job_state "${jobid}_$k")"
                cat "logs/screen.$k.log" 2>/dev/null
            done
            die "an array task failed: the merge job can never run"
        fi ;;
    esac
    sleep 0.2
done
array_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
case "$st" in
COMPLETED|FAILED) ;;
*) die "merge job $merge_id not finished after $WAIT s (state: ${st:-unknown})" ;;
esac
# The merge exits 3 (one record in the merged output could not be read),
# which Slurm records as FAILED with ExitCode=3:0.
code=$(scontrol show job "$merge_id" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p' | head -1)
[ "$code" = "3:0" ] || { cat logs/merge.log; die "merge job exit code $code, expected 3:0"; }
grep -q "1 record could not be read" logs/merge.log ||
    { cat logs/merge.log; die "merge did not report the bad record"; }
[ -s screened.ndjson ] || die "no screened.ndjson"
if cmp -s screened.ndjson "$tmp/one.ndjson"; then
    say "ok - $N-task array + merge == one process, byte for byte" \
        "($(wc -l < screened.ndjson) lines)"
    say "$COHORT records: one process (-j$(nproc)) ${one_ms} ms;" \
        "$N-task array + merge job ${array_ms} ms from submit to merged"
else
    diff <(cut -c1-160 screened.ndjson) <(cut -c1-160 "$tmp/one.ndjson") | head -10
    die "merged output differs from one process"
fi
exit 0
