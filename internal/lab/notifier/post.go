package notifier

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/monhook/monhook/webhook"
)

// post makes one webhook POST as monasca-notification's requests.post does:
// the json.dumps body, python-requests' headers, and the 5 s timeout on the
// engine's clock (requests applies it to the connect and to each read; here
// it bounds the whole exchange, the same for a receiver that does not
// answer). Success is any 2xx.
func (e *Engine) post(ctx context.Context, j job) bool {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := e.clock.NewTimer(e.timeout)
	defer timer.Stop()
	go func() {
		select {
		case <-timer.C():
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.address, bytes.NewReader(j.body))
	if err != nil {
		e.log.Warn("webhook address unusable", "method", j.methodID, "err", err)
		return false
	}
	webhook.SetHeaders(req.Header)
	if e.authToken != nil {
		// The token is a credential: it is never logged.
		tok, err := e.authToken(ctx)
		if err != nil {
			e.log.Warn("no token for the webhook's X-Auth-Token", "method", j.methodID, "err", err)
			return false
		}
		req.Header.Set("X-Auth-Token", tok)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		// The address may carry a receiver's secret token: log the
		// cause, not the URL.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		e.log.Info("webhook failed", "method", j.methodID, "alarm", j.alarmID, "err", err)
		return false
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e.log.Info("webhook answered non-2xx", "method", j.methodID, "alarm", j.alarmID, "status", resp.StatusCode)
		return false
	}
	return true
}
