package receiver

import "github.com/monhook/monhook/webhook"

// Encoding tells from the body's bytes which encoder of monasca-notification
// wrote it (webhook.DetectEncoding): json (Mitaka to Ocata), ujson (Pike to
// Train) or simplejson (Ussuri on). All three are Monasca, so this is
// never a finding; ok is false for a body that is no JSON object.
func (d Delivery) Encoding() (webhook.Encoding, bool) {
	return webhook.DetectEncoding(d.Body)
}
