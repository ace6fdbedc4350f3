// Package mailservertest starts an embedded mail server (internal/mailserver)
// for a test and reads its mailbox, as httptest does for an http.Handler:
// the one copy the mailbox's, the lab notifier's, check's and the CLI's
// tests share.
package mailservertest

import (
	"context"
	"testing"
	"time"

	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/internal/mailserver"
)

// Password is the mailbox password of every server Start starts.
const Password = "pw"

// Start starts a mail server with one mailbox, address (password
// Password), and returns it and the mailbox's IMAP configuration. The
// server stops when the test ends.
func Start(t testing.TB, address string) (*mailserver.Server, mailbox.Config) {
	t.Helper()
	ms, err := mailserver.Start(mailserver.Options{Address: address, Password: Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ms.Close() })
	cfg, err := mailbox.ParseURL(ms.IMAPURL())
	if err != nil {
		t.Fatal(err)
	}
	return ms, cfg
}

// Messages returns every message in the mailbox cfg names, read over IMAP
// within limit.
func Messages(t testing.TB, cfg mailbox.Config, limit time.Duration) []mailbox.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	mb, err := mailbox.Dial(ctx, cfg, Password, mailbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	msgs, err := mb.After(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
