# shellcheck shell=bash
# PostgreSQL (Debian's postgresql, 15) as a private cluster in var/postgres/data,
# run by the postgres system user, on 127.0.0.1:5432 with its socket in
# var/run/postgres. The project's role, password and database are all "satmon";
# the role may create databases (one test database per parallel worker).
# Settings: deploy/services/postgres/satmon.conf, included from postgresql.conf.

postgres_log_file() { log_file_of postgres; }
postgres_endpoint() {
    printf 'postgresql://%s:***@127.0.0.1:%s/%s' "$POSTGRES_ROLE" "$POSTGRES_PORT" "$POSTGRES_DB"
}
postgres_start_timeout() { echo 60; }

postgres_bin_dir() {
    local version
    version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    [[ -n $version && -x /usr/lib/postgresql/$version/bin/pg_ctl ]] ||
        die "postgres: no PostgreSQL server under /usr/lib/postgresql; run scripts/provision --only postgres"
    printf '/usr/lib/postgresql/%s/bin' "$version"
}

postgres_socket_dir() { printf '%s/postgres' "$SATMON_RUN_DIR"; }

as_postgres() { runuser -u postgres -- "$@"; }

postgres_is_running() {
    local pid_file pid
    pid_file="$(data_dir_of postgres)/postmaster.pid"
    [[ -s $pid_file ]] || return 1
    pid="$(head -n 1 "$pid_file")"
    [[ $pid =~ ^[0-9]+$ ]] && is_pid_alive "$pid"
}

postgres_health() {
    pg_isready -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 3 || return 1
    [[ "$(PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=3 psql -XtAq -h 127.0.0.1 \
        -p "$POSTGRES_PORT" -U "$POSTGRES_ROLE" -d "$POSTGRES_DB" -c 'SELECT 1' 2>/dev/null)" == 1 ]]
}

postgres_init_cluster() {
    local data=$1 bin=$2
    say "postgres: initdb $data"
    install -d -o postgres -g postgres -m 0700 "$data"
    as_postgres "$bin/initdb" -D "$data" --username=postgres --encoding=UTF8 \
        --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    printf "\ninclude_if_exists = 'satmon.conf'\n" >>"$data/postgresql.conf"
}

postgres_ensure_role_and_database() {
    as_postgres psql -Xq -v ON_ERROR_STOP=1 -h "$(postgres_socket_dir)" -p "$POSTGRES_PORT" -d postgres <<SQL
SELECT 'CREATE ROLE $POSTGRES_ROLE'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$POSTGRES_ROLE')\gexec
ALTER ROLE $POSTGRES_ROLE WITH LOGIN CREATEDB PASSWORD '$POSTGRES_PASSWORD';
SELECT 'CREATE DATABASE $POSTGRES_DB OWNER $POSTGRES_ROLE'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB')\gexec
SQL
}

postgres_start() {
    local bin data log
    bin="$(postgres_bin_dir)"
    data="$(data_dir_of postgres)"
    log="$(postgres_log_file)"
    require_port_free postgres "$POSTGRES_PORT"
    require_reachable_by postgres "$SATMON_VAR"
    mkdir -p "$SATMON_VAR/postgres"
    [[ -s $data/PG_VERSION ]] || postgres_init_cluster "$data" "$bin"
    render_template "$SATMON_TEMPLATES/postgres/satmon.conf" "$data/satmon.conf" \
        PORT="$POSTGRES_PORT" SOCKET_DIR="$(postgres_socket_dir)"
    chown postgres:postgres "$data/satmon.conf"
    install -d -o postgres -g postgres -m 0755 "$(postgres_socket_dir)"
    write_start_marker postgres
    chown postgres:postgres "$log"
    # pg_ctl -w returns once the server accepts connections (or fails).
    # 9>&-: the server must not inherit the lock scripts/services holds on fd 9.
    if ! as_postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 9>&-; then
        say_error "postgres: pg_ctl start failed; log: $log"
        print_log_tail "$log"
        return 1
    fi
    head -n 1 "$data/postmaster.pid" >"$(pid_file_of postgres)"
    postgres_ensure_role_and_database
}

postgres_stop() {
    local data
    data="$(data_dir_of postgres)"
    if postgres_is_running; then
        as_postgres "$(postgres_bin_dir)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
    rm -f "$(pid_file_of postgres)"
}
