package mailbox_test

import (
	"context"
	"errors"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/internal/mailserver"
	"github.com/monhook/monhook/internal/mailserver/mailservertest"
)

func TestParseURL(t *testing.T) {
	c, err := mailbox.ParseURL("imaps://canary%40example.org@imap.example.org/INBOX")
	if err != nil || !c.TLS || c.Addr != "imap.example.org:993" || c.User != "canary@example.org" || c.Mailbox != "INBOX" {
		t.Fatalf("%+v %v", c, err)
	}
	if c.String() != "imaps://canary%40example.org@imap.example.org:993/INBOX" {
		t.Errorf("String %s", c)
	}
	c, err = mailbox.ParseURL("imap://u@127.0.0.1:1143")
	if err != nil || c.TLS || c.Addr != "127.0.0.1:1143" || c.Mailbox != "INBOX" {
		t.Fatalf("%+v %v", c, err)
	}
	for in, want := range map[string]string{
		"imaps://u:secret@h/INBOX": "MONHOOK_IMAP_PASSWORD",
		"https://u@h/INBOX":        "scheme",
		"imaps://h/INBOX":          "no user",
		"imaps://u@/INBOX":         "no host",
	} {
		_, err := mailbox.ParseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q) = %v, want an error with %q", in, err, want)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

const addr = "canary@monhook-lab.invalid"

func server(t *testing.T) (*mailserver.Server, mailbox.Config) {
	t.Helper()
	return mailservertest.Start(t, addr)
}

func send(t *testing.T, ms *mailserver.Server, subject string) {
	t.Helper()
	msg := "Subject: " + subject + "\r\nFrom: a@b.invalid\r\nTo: " + addr + "\r\n\r\nbody\r\n"
	if err := smtp.SendMail(ms.SMTPAddr(), nil, "a@b.invalid", []string{addr}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestAfterMatchingDelete(t *testing.T) {
	ms, cfg := server(t)
	mb, err := mailbox.Dial(ctx(t), cfg, "pw", mailbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	if msgs, err := mb.After(ctx(t), 0); err != nil || len(msgs) != 0 {
		t.Fatalf("empty mailbox: %v %v", msgs, err)
	}
	send(t, ms, `ALARM LOW "monhook-aaaaaaaa-alarm"`)
	send(t, ms, `ALARM LOW "monhook-bbbbbbbb-alarm"`)
	msgs, err := mb.After(ctx(t), 0)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("after 0: %d %v", len(msgs), err)
	}
	if later, err := mb.After(ctx(t), msgs[1].UID); err != nil || len(later) != 0 {
		t.Fatalf("after the last uid: %d %v (n:* must not return the last message again)", len(later), err)
	}
	mine, err := mb.Matching(ctx(t), "monhook-aaaaaaaa-", time.Time{})
	if err != nil || len(mine) != 1 || !strings.Contains(string(mine[0].Raw), "aaaaaaaa") {
		t.Fatalf("matching: %v %v", mine, err)
	}
	if old, _ := mb.Matching(ctx(t), "monhook-", time.Now().Add(-time.Hour)); len(old) != 0 {
		t.Fatalf("%d mails older than an hour", len(old))
	}
	if err := mb.Delete(ctx(t), []uint32{mine[0].UID}); err != nil {
		t.Fatal(err)
	}
	left, err := mb.After(ctx(t), 0)
	if err != nil || len(left) != 1 || !strings.Contains(string(left[0].Raw), "bbbbbbbb") {
		t.Fatalf("after delete: %v %v", left, err)
	}
}

func TestLoginRefusedIsAuthError(t *testing.T) {
	_, cfg := server(t)
	_, err := mailbox.Dial(ctx(t), cfg, "wrong", mailbox.Options{})
	var ae *mailbox.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err %v (%T), want *AuthError", err, err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the password: %v", err)
	}
}

func TestClosedPortIsUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	_ = ln.Close()
	cfg, _ := mailbox.ParseURL("imap://u@" + a + "/INBOX")
	_, err = mailbox.Dial(ctx(t), cfg, "pw", mailbox.Options{})
	var ue *mailbox.UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("err %v (%T), want *UnreachableError", err, err)
	}
}
