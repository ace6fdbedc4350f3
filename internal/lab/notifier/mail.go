package notifier

import (
	"bytes"
	"context"
	"net"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/internal/lab/model"
)

// SMTP is the email plugin's [email_notifier] section: the smarthost, the
// sender, and the message format of the release the lab plays.
type SMTP struct {
	Addr   string       // server:port; "" leaves EMAIL methods unsent
	From   string       // from_addr; "" = DefaultFrom
	Format email.Format // 0 = email.Latest
}

// DefaultFrom is the lab's from_addr.
const DefaultFrom = "monasca@monhook.invalid"

// mailFor is the plugin's input for a transition.
func mailFor(t model.Transition, from, to string) *email.Notification {
	n := &email.Notification{
		AlarmID: t.AlarmID, AlarmName: t.AlarmName, State: t.NewState, Severity: t.Severity,
		Message: t.Reason, Timestamp: time.Unix(t.Timestamp.UnixMilli()/1000, 0), From: from, To: to,
	}
	for _, m := range t.Metrics {
		n.Metrics = append(n.Metrics, email.Metric{Name: m.Name, Dimensions: m.Dimensions})
	}
	return n
}

// sendMail makes one SMTP hand-off as smtplib does: connect, EHLO, MAIL,
// RCPT, DATA, QUIT, with the plugin's 5 s timeout on the connection (real
// time: a smarthost's speed does not scale). Any error is a failed send,
// which the retry engine picks up.
func (e *Engine) sendMail(ctx context.Context, j job) bool {
	n := *j.mail
	n.To = j.address
	msg := email.Compose(n, e.smtp.Format, e.clock.Now())
	d := net.Dialer{Timeout: Timeout}
	conn, err := d.DialContext(ctx, "tcp", e.smtp.Addr)
	if err != nil {
		e.log.Info("email failed: smtp server unreachable", "method", j.methodID, "alarm", j.alarmID, "err", err)
		return false
	}
	_ = conn.SetDeadline(time.Now().Add(Timeout))
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.SendMail(n.From, []string{j.address}, bytes.NewReader(msg)); err != nil {
		e.log.Info("email failed", "method", j.methodID, "alarm", j.alarmID, "err", err)
		return false
	}
	_ = c.Quit()
	return true
}
