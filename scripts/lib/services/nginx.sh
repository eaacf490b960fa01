# shellcheck shell=bash
# nginx (Debian's) on 127.0.0.1:8088: serves frontend/dist (a placeholder page
# until the dashboard is built) and proxies /api to the API on 127.0.0.1:8000.
# Config: deploy/services/nginx/nginx.conf (rendered to var/nginx/nginx.conf).
# Error log: var/log/nginx.log; access log: var/log/nginx.access.log.

nginx_log_file() { log_file_of nginx; }
nginx_endpoint() { printf 'http://127.0.0.1:%s' "$NGINX_PORT"; }
nginx_start_timeout() { echo 20; }
nginx_is_running() { is_process_running nginx; }

nginx_health() {
    http_ok "http://127.0.0.1:$NGINX_PORT/nginx-health" ok
}

# The built dashboard if there is one, else a page saying how to build it.
nginx_web_root() {
    local dist="$SATMON_ROOT/frontend/dist" placeholder="$SATMON_VAR/nginx/placeholder"
    if [[ -f $dist/index.html ]] && searchable_by_others "$dist"; then
        printf '%s' "$dist"
    elif [[ -f $dist/index.html ]]; then
        # nginx's workers could not enter a private checkout: serve a copy from var/.
        rm -rf "$SATMON_VAR/nginx/web"
        cp -r "$dist" "$SATMON_VAR/nginx/web"
        printf '%s' "$SATMON_VAR/nginx/web"
    else
        mkdir -p "$placeholder"
        cp "$SATMON_TEMPLATES/nginx/placeholder.html" "$placeholder/index.html"
        printf '%s' "$placeholder"
    fi
}

nginx_start() {
    require_command nginx nginx
    require_port_free nginx "$NGINX_PORT"
    local base="$SATMON_VAR/nginx" conf="$SATMON_VAR/nginx/nginx.conf" web_root
    mkdir -p "$base/tmp"
    web_root="$(nginx_web_root)"
    render_template "$SATMON_TEMPLATES/nginx/nginx.conf" "$conf" \
        PORT="$NGINX_PORT" API_PORT="$API_PORT" WEB_ROOT="$web_root" TEMP_DIR="$base/tmp" \
        PID_FILE="$base/nginx.pid" LOG_FILE="$(nginx_log_file)" \
        ACCESS_LOG_FILE="$SATMON_LOG_DIR/nginx.access.log"
    if ! nginx -t -q -p "$base" -c "$conf" >>"$(nginx_log_file)" 2>&1; then
        say_error "nginx: $conf is invalid; log: $(nginx_log_file)"
        print_log_tail "$(nginx_log_file)" 10
        return 1
    fi
    start_detached nginx nginx -p "$base" -c "$conf"
}

nginx_stop() { stop_recorded_process nginx 20; }
