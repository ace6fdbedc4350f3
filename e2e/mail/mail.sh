#!/usr/bin/env bash
# Real mail servers on loopback for the email e2e tier (MONHOOK_E2E_MAIL=1):
# Debian's postfix takes plain SMTP (no STARTTLS offered: monasca-notification's
# email plugin, smtplib.SMTP, never asks for it) on 127.0.0.1:MAIL_SMTP_PORT
# and delivers
# canary@monhook.test into a Maildir; Debian's dovecot-imapd serves that
# Maildir over IMAPS on 127.0.0.1:MAIL_IMAPS_PORT with a self-signed
# certificate that clients trust through SSL_CERT_FILE.
#
#   e2e/mail/mail.sh start    # configures and starts both; prints export lines
#   e2e/mail/mail.sh env      # the export lines of the running pair
#   e2e/mail/mail.sh status   # exit 0 when both answer, 3 otherwise
#   e2e/mail/mail.sh stop
#
# Root only: it rewrites /etc/postfix/main.cf and master.cf (loopback-only
# listeners; the stock port-25 listener is switched off) and runs postfix's
# master and a dovecot with its own config file. No systemd needed.
#
#   MAIL_STATE_DIR   state: certificate, dovecot config, passwords, Maildirs,
#                    logs (default /var/lib/monhook-e2e-mail)
#   MAIL_SMTP_PORT   postfix's port (default 2525)
#   MAIL_IMAPS_PORT  dovecot's IMAPS port (default 10993)
#   MAIL_INSTALL=1   apt-get install postfix and dovecot-imapd if missing
set -euo pipefail

S=${MAIL_STATE_DIR:-/var/lib/monhook-e2e-mail}
SMTP_PORT=${MAIL_SMTP_PORT:-2525}
IMAPS_PORT=${MAIL_IMAPS_PORT:-10993}
DOMAIN=monhook.test
MAILBOX=canary@$DOMAIN
# The mail user owns the Maildirs for both servers (Debian's uid/gid 8).
VUID=$(id -u mail)
VGID=$(id -g mail)

die() { echo "mail.sh: $*" >&2; exit 1; }

# wait_port HOST PORT: until something accepts, at most 30 s.
wait_port() {
	for _ in $(seq 300); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	return 1
}

print_env() {
	[[ -s $S/password ]] || die "not started (no $S/password)"
	cat <<EOT
export MONHOOK_MAIL_SMTP=127.0.0.1:$SMTP_PORT
export MONHOOK_MAIL_TO=$MAILBOX
export MONHOOK_MAIL_IMAP=imaps://canary%40$DOMAIN@127.0.0.1:$IMAPS_PORT/INBOX
export MONHOOK_IMAP_PASSWORD=$(cat "$S/password")
export SSL_CERT_FILE=$S/cert.pem
EOT
}

install_packages() {
	if command -v postfix >/dev/null && command -v dovecot >/dev/null && [[ -e /usr/lib/dovecot/imap ]]; then
		return
	fi
	[[ ${MAIL_INSTALL:-} == 1 ]] || die "postfix or dovecot-imapd missing (MAIL_INSTALL=1 installs them)"
	export DEBIAN_FRONTEND=noninteractive
	echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
	apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120 postfix dovecot-imapd >&2
	# Debian starts them where it can; this script runs its own.
	postfix stop >/dev/null 2>&1 || true
	pkill -x dovecot >/dev/null 2>&1 || true
}

configure_postfix() {
	printf '%s %s/canary/\n' "$MAILBOX" "$DOMAIN" >"$S/vmailbox"
	postconf -e \
		"myhostname = mail.$DOMAIN" \
		"mydestination = localhost" \
		"inet_interfaces = loopback-only" \
		"inet_protocols = ipv4" \
		"mynetworks = 127.0.0.0/8" \
		"smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination" \
		"virtual_mailbox_domains = $DOMAIN" \
		"virtual_mailbox_base = $S/vmail" \
		"virtual_mailbox_maps = texthash:$S/vmailbox" \
		"virtual_uid_maps = static:$VUID" \
		"virtual_gid_maps = static:$VGID" \
		"virtual_minimum_uid = $VUID" \
		"smtputf8_enable = no" \
		"smtpd_tls_security_level = none" \
		"maillog_file = $S/postfix.log"
	# One loopback listener on our port, none on 25.
	postconf -MX smtp/inet 2>/dev/null || true
	postconf -M "127.0.0.1:$SMTP_PORT/inet=127.0.0.1:$SMTP_PORT inet n - n - - smtpd"
	newaliases
	postfix check
}

configure_dovecot() {
	cat >"$S/dovecot.conf" <<EOT
# monhook e2e: IMAPS on loopback for $MAILBOX (mail.sh writes this file)
protocols = imap
listen = 127.0.0.1
base_dir = $S/run
state_dir = $S/state
log_path = $S/dovecot.log
ssl = required
ssl_cert = <$S/cert.pem
ssl_key = <$S/key.pem
auth_mechanisms = plain login
disable_plaintext_auth = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN $S/users
}
userdb {
  driver = static
  args = uid=$VUID gid=$VGID home=$S/vmail/%d/%n
}
mail_location = maildir:$S/vmail/%d/%n
first_valid_uid = $VUID
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
EOT
	printf '%s:{PLAIN}%s\n' "$MAILBOX" "$(cat "$S/password")" >"$S/users"
	chmod 0640 "$S/users"
	chgrp dovecot "$S/users"
}

start() {
	[[ $(id -u) == 0 ]] || die "must run as root"
	install_packages
	mkdir -p "$S/run" "$S/state" "$S/vmail/$DOMAIN"
	chmod 0755 "$S"
	chown -R "$VUID:$VGID" "$S/vmail"
	[[ -s $S/password ]] || openssl rand -hex 16 >"$S/password"
	chmod 0600 "$S/password"
	if [[ ! -s $S/cert.pem ]]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=127.0.0.1" \
			-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
			-keyout "$S/key.pem" -out "$S/cert.pem" 2>/dev/null
		chmod 0600 "$S/key.pem"
	fi
	configure_postfix
	configure_dovecot
	# The daemons must not hold the caller's stdout or stderr open (a
	# caller reading them to the end would wait forever).
	if postfix status >/dev/null 2>&1; then
		postfix reload </dev/null >>"$S/start.log" 2>&1
	else
		postfix start </dev/null >>"$S/start.log" 2>&1
	fi
	stop_dovecot
	dovecot -c "$S/dovecot.conf" </dev/null >>"$S/start.log" 2>&1
	wait_port 127.0.0.1 "$SMTP_PORT" || die "postfix does not answer on $SMTP_PORT (see $S/postfix.log)"
	wait_port 127.0.0.1 "$IMAPS_PORT" || die "dovecot does not answer on $IMAPS_PORT (see $S/dovecot.log)"
	print_env
}

stop_dovecot() {
	if [[ -s $S/run/master.pid ]]; then
		local pid
		pid=$(cat "$S/run/master.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
}

stop() {
	postfix stop >/dev/null 2>&1 || true
	stop_dovecot
}

status() {
	(exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null || exit 3
	(exec 3<>"/dev/tcp/127.0.0.1/$IMAPS_PORT") 2>/dev/null || exit 3
}

case ${1:-} in
start) start ;;
stop) stop ;;
env) print_env ;;
status) status ;;
*) die "usage: mail.sh start|stop|env|status" ;;
esac
