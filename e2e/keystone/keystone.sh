#!/usr/bin/env bash
# keystone.sh: run Debian's real Keystone (python3-keystone) on loopback for
# monhook's e2e tier. The recipe and its pitfalls are in
# shared/reference/keystone.md; the comments below say which pitfall a step
# avoids.
#
#   keystone.sh start                    install if needed, bootstrap, start, provision, verify;
#                                        prints `export OS_...` lines on stdout
#   keystone.sh register-endpoint URL    (re)point the monitoring endpoint at URL and verify it
#   keystone.sh env                      print the env file of the running instance
#   keystone.sh status                   exit 0 if running, 3 if not
#   keystone.sh stop                     stop the server by its recorded PID (never by name)
#
# Environment:
#   KS_STATE_DIR        state dir (default: e2e/.state/keystone next to this script)
#   KS_HOST             listen address (default 127.0.0.1; loopback only)
#   KS_PORT             listen port (default 0 = pick a free one)
#   KS_TOKEN_EXPIRATION token lifetime in seconds (default 3600)
#   KS_START_TIMEOUT    seconds to wait for GET /v3 (default 60)
#   KS_MANAGE_TIMEOUT   seconds for all keystone-manage steps (default 180)
#   KS_APT_TIMEOUT      seconds for apt-get install (default 900)
#   KS_NO_INSTALL=1     never run apt; fail if the packages are missing
#   MONASCA_URL         Monasca API endpoint for the catalog, e.g. http://127.0.0.1:8070/v2.0.
#                       Required by `start`, unless KS_DEFER_ENDPOINT=1: then the endpoint
#                       is registered later with `register-endpoint URL`.
#
# stdout carries only the export lines; every log line goes to stderr.
set -Eeuo pipefail

readonly PY=/usr/bin/python3 # pitfall 6: python3 on PATH may be a pyenv shim without keystone
readonly PACKAGES=(python3-keystone python3-monascaclient)
readonly REGION=RegionOne

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
S=${KS_STATE_DIR:-$SCRIPT_DIR/../.state/keystone}
KS_HOST=${KS_HOST:-127.0.0.1}
KS_PORT=${KS_PORT:-0}
KS_TOKEN_EXPIRATION=${KS_TOKEN_EXPIRATION:-3600}
KS_START_TIMEOUT=${KS_START_TIMEOUT:-60}
KS_MANAGE_TIMEOUT=${KS_MANAGE_TIMEOUT:-180}
KS_APT_TIMEOUT=${KS_APT_TIMEOUT:-900}

T0=$(date +%s.%N)
log() { printf '[keystone.sh +%ss] %s\n' "$(elapsed)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

usage() {
	sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# ---------------------------------------------------------------- process helpers

# pid_of_server prints the recorded PID if that process is alive, is not a
# zombie and really is keystone-wsgi-public; otherwise it prints nothing.
# Checking the cmdline keeps a recycled PID from ever being signalled.
pid_of_server() {
	local pid state
	[[ -r $S/keystone.pid ]] || return 0
	pid=$(<"$S/keystone.pid")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	[[ -r /proc/$pid/cmdline ]] || return 0
	# The process may vanish between the checks; that reads as "not running".
	{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q 'keystone-wsgi-public' || return 0
	state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null) || return 0
	[[ $state == Z ]] && return 0 # pitfall 9: a killed server may linger as a zombie
	echo "$pid"
}

# signal_server sends $1 to the server's process group when the server leads
# its own group (it was started with setsid), else only to the PID.
signal_server() {
	local sig=$1 pid=$2 pgid
	pgid=$(awk '{ sub(/^.*\) /, ""); print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 0
	if [[ $pgid == "$pid" ]]; then
		kill "-$sig" -- "-$pid" 2>/dev/null || true
	else
		kill "-$sig" "$pid" 2>/dev/null || true
	fi
}

stop_server() {
	local pid i
	pid=$(pid_of_server)
	if [[ -z $pid ]]; then
		rm -f "$S/keystone.pid"
		return 0
	fi
	signal_server TERM "$pid"
	for ((i = 0; i < 100; i++)); do # up to 10 s
		[[ -z $(pid_of_server) ]] && break
		sleep 0.1
	done
	if [[ -n $(pid_of_server) ]]; then
		log "server $pid ignored TERM for 10 s; sending KILL"
		signal_server KILL "$pid"
	fi
	rm -f "$S/keystone.pid"
	log "stopped keystone (pid $pid)"
}

# ---------------------------------------------------------------- install

installed() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || return 1
	done
}

# ensure_packages installs what is missing. No services may start: the
# packages ship none today, and a policy-rc.d is put in place (only if the
# machine has none) to keep it that way.
ensure_packages() {
	local missing=() p created_policy=""
	for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
	((${#missing[@]})) || { log "packages present: ${PACKAGES[*]}"; return 0; }
	[[ ${KS_NO_INSTALL:-} == 1 ]] && die "missing packages ${missing[*]} and KS_NO_INSTALL=1"
	[[ $(id -u) == 0 ]] || die "missing packages ${missing[*]}; run as root or install them first"
	log "installing ${missing[*]} (apt)"
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		created_policy=1
	fi
	local rc=0
	timeout 300 apt-get -o DPkg::Lock::Timeout=120 update -qq >&2 || rc=$?
	if ((rc == 0)); then
		DEBIAN_FRONTEND=noninteractive timeout "$KS_APT_TIMEOUT" \
			apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "${missing[@]}" >&2 || rc=$?
	fi
	[[ -n $created_policy ]] && rm -f /usr/sbin/policy-rc.d
	((rc == 0)) || die "apt-get failed (rc=$rc)"
	installed "${PACKAGES[@]}" || die "packages still missing after apt-get: ${missing[*]}"
	log "installed ${missing[*]}"
}

# ---------------------------------------------------------------- start

free_port() {
	"$PY" -c 'import socket,sys
s=socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1]); s.close()' "$KS_HOST"
}

port_is_free() {
	"$PY" -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind((sys.argv[1], int(sys.argv[2])))
except OSError: sys.exit(1)' "$KS_HOST" "$1"
}

gen_secret() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }

write_config() {
	# Only this script's files are wiped; anything else in the dir is left alone.
	rm -rf "$S/keystone.conf" "$S/keystone.db" "$S/keystone.db-wal" "$S/keystone.db-shm" \
		"$S/fernet-keys" "$S/credential-keys" "$S/keystone.log" "$S/server.log" \
		"$S"/manage*.out "$S/env" "$S/appcred" "$S/secrets" "$S/monasca_url"
	mkdir -p "$S"
	chmod 700 "$S"
	mkdir -m 700 "$S/fernet-keys" "$S/credential-keys" # pitfall 8
	cat >"$S/keystone.conf" <<EOF
[DEFAULT]
log_file = $S/keystone.log
use_stderr = false
[database]
connection = sqlite:///$S/keystone.db
[token]
provider = fernet
expiration = $KS_TOKEN_EXPIRATION
[fernet_tokens]
key_repository = $S/fernet-keys
[credential]
key_repository = $S/credential-keys
[identity]
# pitfall 4: bcrypt cost 4 instead of 12; must be in place before bootstrap.
password_hash_rounds = 4
[cache]
# pitfall 4: in-process cache; safe because there is exactly one server process.
enabled = true
backend = dogpile.cache.memory
EOF
	# Fresh random passwords per state dir. They go to files (0600) and stdout,
	# never to the log.
	(
		umask 077
		{
			echo "ADMIN_PASSWORD=$(gen_secret)"
			echo "USER_PASSWORD=$(gen_secret)"
			echo "AGENT_PASSWORD=$(gen_secret)"
			echo "READONLY_PASSWORD=$(gen_secret)"
			echo "NOROLES_PASSWORD=$(gen_secret)"
			echo "SERVICE_PASSWORD=$(gen_secret)"
		} >"$S/secrets"
	)
}

# bootstrap_db runs the keystone-manage steps (db_sync, WAL, fernet_setup,
# credential_setup, bootstrap) in one Python process: see manage.py for why.
bootstrap_db() {
	OS_BOOTSTRAP_PASSWORD=$(secret ADMIN_PASSWORD) timeout "$KS_MANAGE_TIMEOUT" \
		"$PY" "$SCRIPT_DIR/manage.py" "$S/keystone.conf" "http://$KS_HOST:$KS_PORT/v3" "$REGION" \
		>"$S/manage.out" 2>&1 || {
		tail -n 20 "$S/manage.out" >&2
		die "keystone-manage steps failed; see $S/manage.out and $S/keystone.log"
	}
	grep '^\[manage.py\]' "$S/manage.out" >&2 || true
	[[ -s $S/fernet-keys/0 && -s $S/credential-keys/0 ]] || die "key repositories were not set up"
}

secret() { sed -n "s/^$1=//p" "$S/secrets"; }

launch_server() {
	# setsid puts the server in its own session and process group, so stop can
	# signal the group; the sh wrapper records the exact PID before exec.
	# stdio goes to a file so callers reading our stdout see EOF when we exit;
	# fd 9 (our flock) is closed so the server does not hold the lock.
	rm -f "$S/keystone.pid"
	OS_KEYSTONE_CONFIG_FILES="$S/keystone.conf" setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' \
		sh "$S/keystone.pid" keystone-wsgi-public --host "$KS_HOST" --port "$KS_PORT" \
		</dev/null >"$S/server.log" 2>&1 9>&- &
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -s $S/keystone.pid ]] && break
		sleep 0.1
	done
	[[ -s $S/keystone.pid ]] || die "server did not record its PID"
	log "keystone-wsgi-public started (pid $(<"$S/keystone.pid"), port $KS_PORT)"
}

# ready_probe exits 0 once GET /v3 answers AND the socket listening on the
# port belongs to our server: with KS_PORT=0 another process may have taken
# the port between our pick and the server's bind, and its answers must not
# count as ours.
ready_probe() {
	"$PY" - "$KS_HOST" "$KS_PORT" "$1" <<'PYEOF' 2>/dev/null
import os, sys, urllib.request
host, port, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
urllib.request.urlopen("http://%s:%d/v3" % (host, port), timeout=2).read()
inodes = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(table).read().splitlines()[1:]
    except OSError:
        continue
    for line in lines:
        f = line.split()
        if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "0A":  # 0A = LISTEN
            inodes.add("socket:[%s]" % f[9])
fds = "/proc/%s/fd" % pid
owned = any(os.readlink(os.path.join(fds, fd)) in inodes for fd in os.listdir(fds))
sys.exit(0 if owned else 3)
PYEOF
}

# wait_ready returns 0 when the server is ready and 1 when it died; it
# fails the start when KS_START_TIMEOUT passes.
wait_ready() {
	local deadline pid
	deadline=$(($(date +%s) + KS_START_TIMEOUT))
	pid=$(<"$S/keystone.pid")
	while :; do
		ready_probe "$pid" && return 0
		if [[ ! -d /proc/$pid ]] || [[ -z $(pid_of_server) ]]; then
			return 1
		fi
		(($(date +%s) < deadline)) || die "GET /v3 did not answer within ${KS_START_TIMEOUT}s"
		sleep 0.1
	done
}

# repoint_identity rewrites the identity endpoint bootstrap registered when
# the server has to move to another port (before it runs, so no cache holds
# the old URL).
repoint_identity() {
	"$PY" -c 'import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); n=c.execute("UPDATE endpoint SET url=? WHERE url=?", (sys.argv[3], sys.argv[2])).rowcount
c.commit(); c.close(); sys.exit(0 if n == 1 else "identity endpoint not found")' \
		"$S/keystone.db" "http://$KS_HOST:$1/v3" "http://$KS_HOST:$2/v3"
}

# launch_until_ready starts the server; with an auto-picked port it retries
# on a fresh port when the one picked was taken in the meantime.
launch_until_ready() {
	local attempt old
	for attempt in 1 2 3; do
		launch_server
		wait_ready && return 0
		if [[ $KS_PORT_AUTO == 1 ]] && ((attempt < 3)) && cat "$S/server.log" "$S/keystone.log" 2>/dev/null | grep -q 'Address already in use'; then
			old=$KS_PORT
			KS_PORT=$(free_port)
			log "port $old was taken before the server could bind it; retrying on $KS_PORT"
			repoint_identity "$old" "$KS_PORT" || die "could not move the identity endpoint to port $KS_PORT"
			continue
		fi
		tail -n 20 "$S/server.log" >&2 || true
		die "keystone-wsgi-public died during start"
	done
}

# run_provision runs provision.py with the credentials in its environment
# (never on its command line, where ps would show them).
run_provision() {
	KS_AUTH_URL="http://$KS_HOST:$KS_PORT/v3" KS_REGION=$REGION KS_STATE_DIR=$S \
		KS_ADMIN_PASSWORD=$(secret ADMIN_PASSWORD) KS_USER_PASSWORD=$(secret USER_PASSWORD) \
		KS_AGENT_PASSWORD=$(secret AGENT_PASSWORD) KS_READONLY_PASSWORD=$(secret READONLY_PASSWORD) \
		KS_NOROLES_PASSWORD=$(secret NOROLES_PASSWORD) KS_SERVICE_PASSWORD=$(secret SERVICE_PASSWORD) \
		"$PY" "$SCRIPT_DIR/provision.py" "$@"
}

# write_env writes the env file (0600) that `env` prints and Go tests parse.
# Values are restricted to a safe alphabet so the file needs no quoting.
write_env() {
	local murl=""
	[[ -r $S/monasca_url ]] && murl=$(<"$S/monasca_url")
	(
		umask 077
		{
			echo "export OS_AUTH_URL=http://$KS_HOST:$KS_PORT/v3"
			echo "export OS_USERNAME=monasca-smoke-user"
			echo "export OS_PASSWORD=$(secret USER_PASSWORD)"
			echo "export OS_PROJECT_NAME=monasca-smoke"
			echo "export OS_USER_DOMAIN_NAME=Default"
			echo "export OS_PROJECT_DOMAIN_NAME=Default"
			echo "export OS_DOMAIN_NAME=Default" # pitfall 3: gophercloud reads only this one
			echo "export OS_REGION_NAME=$REGION"
			echo "export OS_IDENTITY_API_VERSION=3"
			echo "export KS_PORT=$KS_PORT"
			echo "export KS_PID=$(<"$S/keystone.pid")"
			echo "export KS_MONASCA_URL=$murl"
			echo "export KS_ADMIN_USERNAME=admin"
			echo "export KS_ADMIN_PASSWORD=$(secret ADMIN_PASSWORD)"
			echo "export KS_ADMIN_PROJECT_NAME=admin"
			echo "export KS_AGENT_USERNAME=monasca-smoke-agent"
			echo "export KS_AGENT_PASSWORD=$(secret AGENT_PASSWORD)"
			echo "export KS_READONLY_USERNAME=monasca-smoke-readonly"
			echo "export KS_READONLY_PASSWORD=$(secret READONLY_PASSWORD)"
			echo "export KS_NOROLES_USERNAME=monasca-smoke-noroles"
			echo "export KS_NOROLES_PASSWORD=$(secret NOROLES_PASSWORD)"
			echo "export KS_SERVICE_USERNAME=monasca-lab-service"
			echo "export KS_SERVICE_PASSWORD=$(secret SERVICE_PASSWORD)"
			echo "export KS_SERVICE_PROJECT_NAME=service"
			[[ -r $S/appcred ]] && sed 's/^/export /' "$S/appcred"
		} >"$S/env.tmp"
	)
	grep -qv '^export [A-Z_][A-Z0-9_]*=[A-Za-z0-9:/._-]*$' "$S/env.tmp" &&
		die "internal: env value outside the safe alphabet"
	mv "$S/env.tmp" "$S/env"
}

print_exports() { grep -E '^export OS_' "$S/env"; }

on_start_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if ((rc != 0)); then
		log "start failed (rc=$rc); stopping the server if it runs"
		stop_server || true
	fi
	exit "$rc"
}

cmd_start() {
	[[ $KS_HOST == 127.* || $KS_HOST == ::1 || $KS_HOST == localhost ]] ||
		die "KS_HOST must be a loopback address, got $KS_HOST"
	if [[ -z ${MONASCA_URL:-} && ${KS_DEFER_ENDPOINT:-} != 1 ]]; then
		die "MONASCA_URL is required (or KS_DEFER_ENDPOINT=1, then: $0 register-endpoint URL)"
	fi
	[[ -z ${MONASCA_URL:-} || ${MONASCA_URL} =~ ^https?://[A-Za-z0-9:/._-]+$ ]] ||
		die "MONASCA_URL must be an http(s) URL without query or spaces"
	[[ $KS_PORT =~ ^[0-9]+$ ]] || die "KS_PORT must be a number"
	mkdir -p "$S"
	exec 9>"$S/.lock"
	flock -n 9 || die "another keystone.sh is working on $S"
	[[ -z $(pid_of_server) ]] && [[ -r $S/keystone.pid ]] && rm -f "$S/keystone.pid"
	[[ -z $(pid_of_server) ]] || die "already running (pid $(pid_of_server)); stop it first"

	ensure_packages
	KS_PORT_AUTO=0
	if [[ $KS_PORT == 0 ]]; then
		KS_PORT_AUTO=1
		KS_PORT=$(free_port)
	else
		port_is_free "$KS_PORT" || die "port $KS_PORT on $KS_HOST is busy"
	fi

	trap on_start_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	write_config
	local t=$(date +%s.%N)
	bootstrap_db
	log "keystone-manage steps done in $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
	t=$(date +%s.%N)
	launch_until_ready
	log "GET /v3 answers $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s after launch"
	[[ -n ${MONASCA_URL:-} ]] && echo "$MONASCA_URL" >"$S/monasca_url"
	run_provision provision ${MONASCA_URL:+"$MONASCA_URL"}
	write_env
	trap - EXIT INT TERM
	log "ready: http://$KS_HOST:$KS_PORT/v3 (state $S); start took $(elapsed)s"
	print_exports
}

# ---------------------------------------------------------------- other commands

load_port() {
	[[ -r $S/env ]] || die "no env file in $S; is keystone started?"
	KS_PORT=$(sed -n 's/^export KS_PORT=//p' "$S/env")
}

cmd_register_endpoint() {
	local url=${1:-}
	[[ $url =~ ^https?://[A-Za-z0-9:/._-]+$ ]] || die "usage: $0 register-endpoint http://HOST:PORT/v2.0"
	[[ -n $(pid_of_server) ]] || die "keystone is not running (state $S)"
	exec 9>"$S/.lock"
	flock -w 30 9 || die "another keystone.sh is working on $S"
	load_port
	run_provision register-endpoint "$url"
	echo "$url" >"$S/monasca_url"
	write_env
	log "monitoring endpoint is now $url"
}

cmd_status() {
	local pid
	pid=$(pid_of_server)
	if [[ -n $pid ]]; then
		echo "running pid=$pid state=$S"
		return 0
	fi
	echo "stopped state=$S"
	return 3
}

cmd_env() {
	[[ -n $(pid_of_server) ]] || die "keystone is not running (state $S)"
	cat "$S/env"
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	start) cmd_start ;;
	stop)
		[[ -d $S ]] || return 0
		stop_server
		;;
	status) cmd_status ;;
	env) cmd_env ;;
	register-endpoint) cmd_register_endpoint "$@" ;;
	*) usage ;;
	esac
}

main "$@"
