# shellcheck shell=bash
# Starting, watching and stopping the native services' processes.
# Each service runs detached in its own session (setsid), with its output
# appended to var/log/<service>.log and its pid in var/run/<service>.pid.

log_file_of() { printf '%s/%s.log' "$SATMON_LOG_DIR" "$1"; }
pid_file_of() { printf '%s/%s.pid' "$SATMON_RUN_DIR" "$1"; }
data_dir_of() { printf '%s/%s/data' "$SATMON_VAR" "$1"; }

ensure_var_dirs() {
    mkdir -p "$SATMON_LOG_DIR" "$SATMON_RUN_DIR"
}

# Whether a process exists and has not exited: an exited child of a detached
# service stays a zombie until init reaps it, and kill -0 still succeeds on it.
is_pid_alive() {
    local pid=$1 stat
    kill -0 "$pid" 2>/dev/null || return 1
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Prints the recorded pid of a service if that process is alive.
running_pid_of() {
    local pid_file pid
    pid_file="$(pid_file_of "$1")"
    [[ -s $pid_file ]] || return 1
    pid="$(<"$pid_file")"
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    is_pid_alive "$pid" || return 1
    printf '%s' "$pid"
}

is_process_running() { running_pid_of "$1" >/dev/null; }

# start_detached NAME COMMAND...: runs COMMAND in a new session, output to the
# service's log, and records its pid (setsid and nohup exec, so $! is the daemon).
start_detached() {
    local name=$1
    shift
    local log
    log="$(log_file_of "$name")"
    write_start_marker "$name"
    # 9>&-: the daemon must not inherit the lock scripts/services holds on fd 9.
    setsid nohup "$@" >>"$log" 2>&1 </dev/null 9>&- &
    printf '%s\n' "$!" >"$(pid_file_of "$name")"
}

# stop_pid NAME PID TIMEOUT: TERM to the daemon, which shuts down its own children
# (a wrapper script forwards it to its server); KILL to its whole process group if
# it has not exited within TIMEOUT seconds. Leftovers of its group get TERM too.
stop_pid() {
    local name=$1 pid=$2 timeout=$3
    local deadline=$((SECONDS + timeout))
    kill -TERM "$pid" 2>/dev/null || true
    while is_pid_alive "$pid"; do
        if ((SECONDS >= deadline)); then
            say_warn "$name did not exit within ${timeout}s after TERM; sending KILL"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            return 0
        fi
        sleep 0.2
    done
    if [[ -n "$(live_members_of_group "$pid")" ]]; then
        kill -TERM -- "-$pid" 2>/dev/null || true
        sleep 1
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
}

# The pids of a process group's members that have not exited.
live_members_of_group() {
    ps -eo pid=,pgid=,stat= | awk -v group="$1" '$2 == group && $3 !~ /^Z/ { print $1 }'
}

# stop_recorded_process NAME TIMEOUT: stops the process in the service's pid file.
stop_recorded_process() {
    local name=$1 timeout=$2 pid
    if pid="$(running_pid_of "$name")"; then
        stop_pid "$name" "$pid" "$timeout"
    fi
    rm -f "$(pid_file_of "$name")"
}

# The marker start_detached writes into a service's log before each start.
write_start_marker() {
    printf '\n=== %s: starting %s\n' "$(date -u +%FT%TZ)" "$1" >>"$(log_file_of "$1")"
}

# print_log_tail LOG [LINES]: the last lines of a log, from its last start marker on.
print_log_tail() {
    local log=$1 lines=${2:-40}
    if [[ ! -s $log ]]; then
        printf -- '(%s is empty or missing)\n' "$log" >&2
        return 0
    fi
    printf -- '--- last lines of %s ---\n' "$log" >&2
    tail -n 5000 "$log" |
        awk '/^=== .*: starting /{ n = 0 } { buf[++n] = $0 } END { for (i = 1; i <= n; i++) print buf[i] }' |
        tail -n "$lines" >&2
    printf -- '--- end of %s ---\n' "$log" >&2
}

# report_not_healthy NAME REASON: the error, naming the service and its log, and
# the log's last lines.
report_not_healthy() {
    local name=$1 reason=$2 log
    log="$("${name}_log_file")"
    say_error "$name $reason; log: $log"
    print_log_tail "$log"
}

# http_ok URL [EXPECTED_BODY_SUBSTRING]: a GET that must answer 2xx (and contain the text).
http_ok() {
    local url=$1 expected=${2:-} body
    body="$(curl -fsS --max-time 3 "$url" 2>/dev/null)" || return 1
    [[ -z $expected || $body == *"$expected"* ]]
}

# Whether something listens on a loopback TCP port (another instance, another program).
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_port_free() {
    local name=$1 port=$2
    if port_in_use "$port"; then
        die "$name: port $port on 127.0.0.1 is already taken by another process (not started by scripts/services); stop it first (ss -ltnp 'sport = :$port')"
    fi
}

require_command() {
    local name=$1 command=$2
    command -v "$command" >/dev/null 2>&1 || [[ -x $command ]] ||
        die "$name: $command not found; run scripts/provision --only $name"
}
