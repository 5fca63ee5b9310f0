#!/bin/bash
# nginx.sh - start and stop a private nginx that serves files for tests.
#
# Usage:
#   nginx.sh start [--profile NAME] [--jitter PCT] [--seed N]
#                  [--tls CERT KEY] DIR ROOT
#                             serve ROOT read-only on 127.0.0.1:<free port>;
#                             print the port on stdout and write it to
#                             DIR/port; with --tls (PEM certificate and key
#                             files), over HTTPS only
#   nginx.sh stop DIR         stop the nginx started with that DIR
#   nginx.sh profiles         list the network profiles with their figures
#
# Network profiles (--profile, default loopback) make the loopback server
# behave like an object store: every request waits a first-byte delay,
# and its body then costs its length over a per-connection bandwidth.
#   profile          first byte   bandwidth per connection
#   loopback               0 ms   unlimited (nginx as it is)
#   s3-same-region        30 ms   80 MB/s  (a VM reading S3 in its region)
#   s3-remote             80 ms   20 MB/s  (S3 in another region or from
#                                           outside the cloud)
# The figures are typical of S3 GETs: a first byte after tens of
# milliseconds, tens of MB/s on one connection.  The delay is
# slept in nginx's access phase by ngx_http_lua (ngx.sleep does not block
# the worker: concurrent connections wait in parallel, as on S3), before
# nginx sends anything, and it is first_byte + body_bytes / bandwidth,
# rounded to the millisecond: the time to the last byte is the
# profile's, the split into first byte and transfer is not (the body
# then comes at loopback speed).  body_bytes is what nginx will send for
# the Range header (0 for HEAD).  nginx's timers count whole
# milliseconds: a request waits delay_ms less at most 1 ms, or more.
# RATIONALE: not nginx's limit_rate: it waits only after each chunk it
# wrote (2 MiB with sendfile), so a body of one chunk or less is not
# slowed at all (measured: 2 MB at limit_rate 20 MB/s came in 2 ms, not
# 100 ms) and a larger one loses one chunk's time; a delay computed per
# request is exact for every body size.
# --jitter PCT draws each first-byte delay uniformly within +-PCT percent
# (0-100, default 0) from LuaJIT's math.random, seeded with --seed N
# (default 1) when the single worker starts: the same seed and the same
# sequence of requests give the same delays, which the log records
# (loopback has no delay to jitter).
# Any profile but loopback loads Debian's libnginx-mod-http-lua
# (ndk_http_module.so and ngx_http_lua_module.so from NGINX_MODULES,
# default /usr/lib/nginx/modules).  DIR/profile records the figures in
# force, one tab-separated line: name, first_byte_ms,
# bandwidth_bytes_per_s (0: unlimited), jitter_pct, seed.
#
# Everything nginx writes lives in DIR: nginx.conf, nginx.pid, port,
# error.log, access.log and tmp/ (request-body and proxy temp files).
# nginx runs with prefix DIR (-p) and early error log DIR/error.log (-e),
# so it never reads /etc/nginx or writes /var/log/nginx or /var/lib/nginx.
# It never uses a fixed port: the port is one the kernel just handed out,
# and start retries with a fresh one if nginx cannot bind it.
#
# DIR/access.log has one line per request, tab-separated, columns:
#   1 $request_method   GET or HEAD
#   2 $http_range       the Range request header, "-" if none
#                       (e.g. "bytes=0-7")
#   3 $status           200, 206, 416, ...
#   4 $body_bytes_sent  body bytes sent to the client (0 for HEAD)
#   5 $request_uri      path and query as requested
#   6 $request_time     seconds from the request's first byte read to
#                       the log write, millisecond resolution ("0.031")
#   7 $connection       the connection's serial number: equal numbers are
#                       one reused connection
#   8 delay_ms          milliseconds the profile slept for this request,
#                       first byte and transfer together ("-" for
#                       loopback)
# Readers must accept further columns: more may be added at the end.
# ROOT is served read-only: only GET and HEAD are allowed (others get 403),
# byte ranges are honoured (206), and gzip is off so that sizes are exact.
#
# When run by root, the worker processes also run as root (`user`
# directive) so that they can read a ROOT under a private 0700 temp dir;
# otherwise nginx runs entirely as the current user.
#
# The nginx binary is /usr/sbin/nginx unless NGINX names another.
#
# Exit status: 0 on success, 1 on failure (message on stderr), 2 on
# usage error.  stop of an nginx that is not running says so and exits 0,
# so that a test fixture's cleanup never fails for a server already gone.

set -euo pipefail

prog=${0##*/}
nginx_bin=${NGINX:-/usr/sbin/nginx}
modules_dir=${NGINX_MODULES:-/usr/lib/nginx/modules}
bind_attempts=5
stop_wait_ds=100        # tenths of a second to wait for nginx to exit

die() {
    echo "$prog: error: $*" >&2
    exit 1
}

usage() {
    echo "usage: $prog start [--profile NAME] [--jitter PCT] [--seed N]"
    echo "                   [--tls CERT KEY] DIR ROOT"
    echo "       $prog stop DIR"
    echo "       $prog profiles"
}

# The network profiles: name, first-byte delay in ms, bandwidth per
# connection in bytes per second (0: unlimited), what it stands for.
# Keep in step with the header above and the README.
profile_table() {
    printf '%s\t%s\t%s\t%s\n' \
        loopback 0 0 "nginx as it is" \
        s3-same-region 30 80000000 "S3 from a VM in its region" \
        s3-remote 80 20000000 "S3 from elsewhere"
}

cmd_profiles() {
    local name ms bw what
    printf '%-16s %10s %12s  %s\n' profile first_byte bandwidth "stands for"
    while IFS=$'\t' read -r name ms bw what; do
        if [ "$bw" = 0 ]; then
            bw=unlimited
        else
            bw="$((bw / 1000000)) MB/s"
        fi
        printf '%-16s %7s ms %12s  %s\n' "$name" "$ms" "$bw" "$what"
    done < <(profile_table)
}

usage_error() {
    usage >&2
    echo "Try '$prog --help' for more information." >&2
    exit 2
}

# free_port: print a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
    /usr/bin/python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Settings of `start`, from its options (see the header).
profile=loopback
first_byte_ms=0
bandwidth=0
jitter_pct=0
seed=1
tls_cert=""
tls_key=""

# select_profile NAME: set first_byte_ms and bandwidth from the table.
select_profile() {
    local name ms bw what
    while IFS=$'\t' read -r name ms bw what; do
        if [ "$name" = "$1" ]; then
            profile=$name first_byte_ms=$ms bandwidth=$bw
            return 0
        fi
    done < <(profile_table)
    echo "$prog: error: unknown profile '$1'; '$prog profiles' lists them" >&2
    exit 2
}

# lua_init: the worker's Lua set-up: the seeded random source and
# h5snoop_body_bytes(), the body length nginx will send for the request's
# Range header (a missing file or a directory counts 0: nginx then
# answers 404 or 403 itself).
lua_init() {
    cat <<EOF
    init_worker_by_lua_block {
        math.randomseed($seed)
    }
    init_by_lua_block {
        function h5snoop_body_bytes()
            local f = io.open(ngx.var.request_filename, "rb")
            if not f then
                return 0
            end
            local size = f:seek("end") or 0
            f:close()
            local range = ngx.var.http_range
            if not range or range:sub(1, 6) ~= "bytes=" then
                return size
            end
            local n = 0
            for part in range:sub(7):gmatch("[^,]+") do
                local a, b = part:match("^%s*(%d*)%-(%d*)%s*$")
                if not a or (a == "" and b == "") then
                    return size
                end
                if a == "" then
                    n = n + math.min(tonumber(b), size)
                else
                    a = tonumber(a)
                    if b == "" then
                        b = size - 1
                    else
                        b = math.min(tonumber(b), size - 1)
                    end
                    if a <= b then
                        n = n + b - a + 1
                    end
                end
            end
            return n
        end
    }
EOF
}

# lua_delay: the access-phase Lua that sleeps the profile's delay and
# records it in \$h5snoop_delay_ms (see the header for what it models).
lua_delay() {
    cat <<EOF
            access_by_lua_block {
                local d = $first_byte_ms / 1000
                local jitter = $jitter_pct / 100
                local bandwidth = $bandwidth
                if jitter > 0 then
                    d = d * (1 + jitter * (2 * math.random() - 1))
                end
                if bandwidth > 0 and ngx.req.get_method() ~= "HEAD" then
                    d = d + h5snoop_body_bytes() / bandwidth
                end
                local ms = math.floor(d * 1000 + 0.5)
                ngx.var.h5snoop_delay_ms = ms
                if ms > 0 then
                    -- NOTE: the timer counts from nginx's cached clock,
                    -- which may lag; refreshed, the wait is ms or more,
                    -- less at most the timers' 1 ms resolution.
                    ngx.update_time()
                    ngx.sleep(ms / 1000)
                end
            }
EOF
}

# write_config DIR ROOT PORT: write DIR/nginx.conf for one server.
write_config() {
    local dir=$1 root=$2 port=$3 user_line="" modules="" init="" access=""
    local listen="listen 127.0.0.1:$port;"
    if [ -n "$tls_cert" ]; then
        listen="listen 127.0.0.1:$port ssl;
        ssl_certificate \"$tls_cert\";
        ssl_certificate_key \"$tls_key\";"
    fi
    if [ "$(id -u)" -eq 0 ]; then
        # RATIONALE: a root master switches workers to "nobody" by
        # default, which cannot enter a 0700 temp dir owned by root.
        user_line="user $(id -un) $(id -gn);"
    fi
    if [ "$profile" != loopback ]; then
        modules="load_module \"$modules_dir/ndk_http_module.so\";
load_module \"$modules_dir/ngx_http_lua_module.so\";"
        init=$(lua_init)
        access=$(lua_delay)
    fi
    cat >"$dir/nginx.conf" <<EOF
# Generated by $prog; do not edit.  Network profile: $profile.
$modules
$user_line
daemon on;
master_process on;
worker_processes 1;
pid "$dir/nginx.pid";
lock_file "$dir/nginx.lock";
error_log "$dir/error.log" notice;

events {
    worker_connections 256;
}

http {
    log_format h5snoop '\$request_method\t\$http_range\t\$status\t'
                       '\$body_bytes_sent\t\$request_uri\t\$request_time\t'
                       '\$connection\t\$h5snoop_delay_ms';
    access_log "$dir/access.log" h5snoop;
$init

    client_body_temp_path "$dir/tmp/client_body";
    proxy_temp_path "$dir/tmp/proxy";
    fastcgi_temp_path "$dir/tmp/fastcgi";
    uwsgi_temp_path "$dir/tmp/uwsgi";
    scgi_temp_path "$dir/tmp/scgi";

    types {
        application/x-hdf5 h5;
    }
    default_type application/octet-stream;
    sendfile on;
    gzip off;
    server_tokens off;
    # NOTE: many small range requests on one connection are the point of
    # the experiment; do not let nginx close it after the default 1000.
    keepalive_requests 1000000;

    server {
        $listen
        server_name localhost;
        root "$root";
        autoindex off;
        max_ranges 1024;
        set \$h5snoop_delay_ms "-";

        location / {
            limit_except GET {
                deny all;
            }
$access
        }
    }
}
EOF
}

# wait_for_pid DIR: wait (bounded) until the daemon wrote DIR/nginx.pid.
wait_for_pid() {
    local dir=$1
    # NOTE: with "daemon on" the command returns when its parent exits,
    # possibly before the forked master has written its pid file.
    for _ in $(seq 1 50); do
        [ -s "$dir/nginx.pid" ] && return 0
        sleep 0.1
    done
    return 1
}

cmd_start() {
    local dir=$1 root=$2 port attempt out
    [ -x "$nginx_bin" ] || die "nginx not found at $nginx_bin"
    [ -d "$root" ] || die "ROOT '$root' is not a directory"
    if [ "$profile" != loopback ]; then
        [ -f "$modules_dir/ngx_http_lua_module.so" ] ||
            die "profile $profile needs nginx's Lua module," \
                "$modules_dir/ngx_http_lua_module.so" \
                "(Debian: libnginx-mod-http-lua)"
    fi
    mkdir -p "$dir/tmp" || die "cannot create '$dir/tmp'"
    dir=$(cd "$dir" && pwd)
    root=$(cd "$root" && pwd)
    if [ -n "$tls_cert" ]; then
        [ -r "$tls_cert" ] && [ -r "$tls_key" ] ||
            die "cannot read --tls files '$tls_cert' and '$tls_key'"
        tls_cert=$(cd "$(dirname "$tls_cert")" && pwd)/$(basename "$tls_cert")
        tls_key=$(cd "$(dirname "$tls_key")" && pwd)/$(basename "$tls_key")
    fi
    if [ -s "$dir/nginx.pid" ] && is_our_nginx "$(cat "$dir/nginx.pid")"; then
        die "an nginx is already running for $dir" \
            "(pid $(cat "$dir/nginx.pid"))"
    fi
    rm -f "$dir/nginx.pid" "$dir/port"
    for attempt in $(seq 1 "$bind_attempts"); do
        port=$(free_port) || die "cannot find a free port"
        write_config "$dir" "$root" "$port"
        if out=$("$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" \
            -e "$dir/error.log" 2>&1); then
            wait_for_pid "$dir" ||
                die "nginx started but wrote no $dir/nginx.pid;" \
                    "see $dir/error.log"
            printf '%s\t%s\t%s\t%s\t%s\n' "$profile" "$first_byte_ms" \
                "$bandwidth" "$jitter_pct" "$seed" >"$dir/profile"
            echo "$port" >"$dir/port"
            echo "$port"
            return 0
        fi
        # RATIONALE: another process may take the port between the probe
        # and nginx's bind(); only that failure is worth a retry.
        case $out in
        *"Address already in use"*) ;;
        *) die "nginx failed to start (see $dir/error.log): $out" ;;
        esac
        echo "$prog: port $port was taken," \
            "retrying ($attempt/$bind_attempts)" >&2
    done
    die "nginx could not bind a free port after $bind_attempts attempts"
}

# is_our_nginx PID: true if PID is a live (not zombie) nginx process.
is_our_nginx() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # NOTE: the daemonized master's parent is pid 1, which may reap it
    # late (seconds, in some containers); an exited zombie counts as gone.
    case $stat in
    "$pid (nginx) Z"* | "$pid (nginx) X"*) return 1 ;;
    "$pid (nginx) "*) return 0 ;;
    esac
    return 1
}

cmd_stop() {
    local dir=$1 pid workers
    if [ ! -s "$dir/nginx.pid" ]; then
        echo "$prog: no $dir/nginx.pid; nginx is not running" >&2
        return 0
    fi
    pid=$(cat "$dir/nginx.pid")
    if ! is_our_nginx "$pid"; then
        echo "$prog: nginx (pid $pid) is not running" >&2
        rm -f "$dir/nginx.pid"
        return 0
    fi
    workers=$(pgrep -P "$pid" || true)
    # SIGTERM is nginx's fast shutdown: the master stops its workers.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$stop_wait_ds"); do
        if ! is_our_nginx "$pid"; then
            rm -f "$dir/nginx.pid"
            return 0
        fi
        sleep 0.1
    done
    # shellcheck disable=SC2086  # $workers is a list of pids
    kill -KILL "$pid" $workers 2>/dev/null || true
    rm -f "$dir/nginx.pid"
    die "nginx (pid $pid) ignored SIGTERM for $((stop_wait_ds / 10)) s;" \
        "killed it"
}

case ${1:-} in
-h | --help)
    usage
    exit 0
    ;;
start)
    shift
    while [ $# -gt 0 ]; do
        case $1 in
        --profile | --jitter | --seed)
            [ $# -ge 2 ] || usage_error
            case $1 in
            --profile) select_profile "$2" ;;
            --jitter) jitter_pct=$2 ;;
            --seed) seed=$2 ;;
            esac
            shift 2
            ;;
        --tls)
            [ $# -ge 3 ] || usage_error
            tls_cert=$2 tls_key=$3
            shift 3
            ;;
        --) shift; break ;;
        -*) usage_error ;;
        *) break ;;
        esac
    done
    [ $# -eq 2 ] || usage_error
    [[ $jitter_pct =~ ^[0-9]+$ ]] && [ "$jitter_pct" -le 100 ] ||
        { echo "$prog: error: --jitter wants 0-100" >&2; exit 2; }
    [[ $seed =~ ^[0-9]+$ ]] ||
        { echo "$prog: error: --seed wants a number" >&2; exit 2; }
    cmd_start "$1" "$2"
    ;;
profiles)
    [ $# -eq 1 ] || usage_error
    cmd_profiles
    ;;
stop)
    [ $# -eq 2 ] || usage_error
    cmd_stop "$2"
    ;;
*)
    usage_error
    ;;
esac
