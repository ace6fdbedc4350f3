package serve

import (
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/testcert"
)

// Monasca's sender verifies the receiver's certificate against its host's
// CA store; the lab's does the same. A certificate it does not trust must
// fail the probe at the delivery stage, saying so.
func TestUntrustedTLSReceiverFailsAtDeliveryNamingTheCertificate(t *testing.T) {
	l := startLab(t)
	cert, key, _ := testcert.SelfSigned(t)
	s := startServer(t, l, Config{TLSCert: cert, TLSKey: key})
	a := get(t, probeURL(s, "synthetic", "debug=true"), scrapeTimeoutHeader, "10")
	for _, want := range []string{"monhook_probe_success 0", `monhook_stage_success{stage="delivery"} 0`,
		"https://127.0.0.1:", "rejected our certificate"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("debug page lacks %q:\n%s", want, a.body)
		}
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if mustValue(t, exp, "monhook_receiver_tls_errors_total") < 1 {
		t.Error("no failed handshake counted")
	}
	l.assertClean(t)
}
