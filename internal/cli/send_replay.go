package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/pause"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/webhook"
)

// replayHelp is send --help's paragraph on --replay.
const replayHelp = `
--replay FILE re-sends the deliveries that listen --save (or check --save) wrote
to FILE, in file order: each with the bytes of its body and the headers it came
with. Each saved delivery is one send; --every waits between sends and --repeat
replays the whole file that many times. Secrets the receiver redacted before
saving (X-Auth-Token, Authorization, Cookie) stay redacted: they are sent as
"REDACTED", never the original (--auth-token sends a token of your choosing).`

// savedDelivery is what a replay needs of a --save record.
type savedDelivery struct {
	Seq     int             `json:"seq"`
	Headers http.Header     `json:"headers"`
	Body    json.RawMessage `json:"body"`
}

// notReplayed are headers Go's client sets itself for the new request.
var notReplayed = []string{"Host", "Content-Length", "Transfer-Encoding"}

// readSaved reads every record of a --save file; a record that is not one
// is a usage error naming its line, before anything is sent.
func readSaved(path string) ([]savedDelivery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("--replay: %v", unwrapPathError(err))
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*receiver.DefaultMaxBody) // a record embeds a body of up to --max-body
	var out []savedDelivery
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var d savedDelivery
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, usageErrorf("--replay %s line %d: not a listen --save record: %v", path, line, err)
		}
		if len(d.Body) == 0 || string(d.Body) == "null" {
			return nil, usageErrorf("--replay %s line %d: the record has no body", path, line)
		}
		for _, k := range notReplayed {
			delete(d.Headers, k)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, usageErrorf("--replay %s: %v", path, err)
	}
	if len(out) == 0 {
		return nil, usageErrorf("--replay %s holds no deliveries", path)
	}
	return out, nil
}

// replayReport is the -o json/yaml document of a replay.
type replayReport struct {
	OK    bool         `json:"ok" yaml:"ok"`
	Host  string       `json:"host" yaml:"host"` // the URL's host only: its path may be a secret
	File  string       `json:"file" yaml:"file"`
	Sends []replaySend `json:"sends" yaml:"sends"`
}

type replaySend struct {
	Send      int               `json:"send" yaml:"send"`
	Seq       int               `json:"seq" yaml:"seq"` // the saved delivery's seq
	Delivered bool              `json:"delivered" yaml:"delivered"`
	Attempts  []webhook.Attempt `json:"attempts" yaml:"attempts"`
}

func sendReplayRun(ctx context.Context, o *sendOptions) error {
	saved, err := readSaved(o.Replay)
	if err != nil {
		return err
	}
	u, _ := url.Parse(o.URL) // checked in build
	client := o.client
	if client == nil {
		client = webhook.NewClient(o.Timeout, nil)
	}
	total := len(saved) * o.Repeat
	table := o.Output() == output.Table
	fmt.Fprintf(o.IO.ErrOut, "replaying %s from %s to %s\n", output.Count(len(saved), "saved delivery", "saved deliveries"), o.Replay, u.Host)
	s := &webhook.Sender{Client: client, Retries: o.Retries, RetryInterval: o.RetryInterval,
		OnAttempt: func(a webhook.Attempt) {
			if table {
				fmt.Fprintln(o.IO.Out, attemptLine(a.Send, total, o.nameTimeout(a)))
			}
		}}
	rep := replayReport{OK: true, Host: u.Host, File: o.Replay}
	var runErr error
	n := 0
replay:
	for r := 0; r < o.Repeat; r++ {
		for _, d := range saved {
			n++
			if n > 1 {
				if runErr = pause.For(ctx, o.Every); runErr != nil {
					break replay
				}
			}
			attempts, err := s.Resend(ctx, n, o.URL, d.Body, d.Headers)
			for j := range attempts {
				attempts[j] = o.nameTimeout(attempts[j])
			}
			res := replaySend{Send: n, Seq: d.Seq, Attempts: attempts, Delivered: len(attempts) > 0 && attempts[len(attempts)-1].OK()}
			rep.Sends = append(rep.Sends, res)
			rep.OK = rep.OK && res.Delivered
			if err != nil {
				runErr = err
				break replay
			}
		}
	}
	if !table {
		if err := writeSendReport(o, rep); err != nil {
			return err
		}
	}
	if runErr != nil {
		return cannotRun(runErr)
	}
	if !rep.OK {
		for _, s := range rep.Sends {
			if !s.Delivered && len(s.Attempts) > 0 {
				return &ExitError{Code: exitcode.Of(exitcode.Fail), Err: fmt.Errorf("not delivered (send %d of %d, saved delivery #%d): %s",
					s.Send, total, s.Seq, attemptProblem(s.Attempts[len(s.Attempts)-1]))}
			}
		}
		return &ExitError{Code: exitcode.Of(exitcode.Fail), Err: errors.New("not delivered")}
	}
	return nil
}

// bodyFlags shape the built body; a replay sends saved bodies instead.
var bodyFlags = []string{"state", "old-state", "alarm-name", "alarm-description", "definition-id", "alarm-id", "tenant",
	"message", "timestamp", "metric", "dimension", "origin", "threshold", "value", "encoding"}

// checkReplayFlags refuses body flags with --replay: they would be
// silently ignored, and the saved bodies are the point.
func (o *sendOptions) checkReplayFlags(cmd *cobra.Command) error {
	for _, name := range bodyFlags {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--%s shapes a new body; --replay sends the saved bodies as they were", name)
		}
	}
	return nil
}
