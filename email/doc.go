// Package email is the mail monasca-notification's email plugin sends,
// shared by everything in monhook that writes or judges one: the lab's
// notification engine composes it (Compose), `monhook check --type email`
// parses what arrives in the mailbox (Parse), and both use the same
// per-release formats, so they cannot drift apart.
//
// Sources (monasca-notification, read at each tag):
//   - types/email_notifier.py@mitaka-eol, plugins/email_notifier.py@newton-eol
//     and @ocata-eol: MIMEText(str) (us-ascii, 7bit), a plain Subject, From
//     and To, no Date; "alarm_id:" directly above "Lifecycle state:".
//   - plugins/email_notifier.py@pike-eol: MIMEText(text, 'plain', 'utf-8')
//     (base64 body), Subject as an RFC 2047 utf-8 Header, and a Date header.
//   - plugins/email_notifier.py@queens-eol … @zed-eom and master: as pike,
//     plus "Link to Grafana: {grafana_url}" and a blank line after the
//     alarm_id line.
//
// In every release the subject is '{state} {severity} "{alarm_name}"'
// followed by ' for Host: {hostname}' (exactly one distinct hostname among
// the alarm's metrics) and ' Target: {target_host}', or by a single space
// when the metrics name no single host; the body names the alarm, the new
// state, the UTC time of the transition (time.asctime) and the alarm id
// ("alarm_id:", or "Alarm_id:" in the no-host template). From is the
// notifier's [email_notifier] from_addr; To is the method's address. The
// plugin sends over plain SMTP (smtplib.SMTP, optional LOGIN, no TLS) to
// [email_notifier] server:port (default port 25, timeout 5 s); a failed
// send goes to the retry engine like a failed webhook.
//
// Periodic notifications by email: monasca-api refuses a non-zero period
// for any type but WEBHOOK up to train ("Period can only be set with
// webhooks", v2/common/schemas/notifications_request_body_schema.py@train-eol;
// the Java API: "Period can not be non zero for EMAIL"), and
// monasca-notification's engine re-sends only webhooks up to train
// (notification_engine.py@train-eol: notification.type == "webhook").
// From ussuri both allow every type (monasca-api 92fbb930, "Allow users
// to set periodic notifications on all notification types";
// notification_engine.py@ussuri-eol keys on the period alone).
package email
