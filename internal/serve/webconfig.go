package serve

import (
	"log/slog"
	"net"
	"net/http"

	"github.com/prometheus/exporter-toolkit/web"
)

// webConfigFlag is the flag of Config.WebConfigFile, named as every
// Prometheus exporter names it.
const webConfigFlag = "web.config.file"

// webConfigKey is its config file key (viper reads dots as nesting).
const webConfigKey = "serve.web-config-file"

// validateWebConfig reads an exporter-toolkit web configuration the way
// serving will: a missing file, bad YAML, a TLS pair that does not load or
// a user without a bcrypt hash is a bad setting found before listening.
func validateWebConfig(path string) error { return web.Validate(path) }

// serveHTTP serves srv on ln, with TLS and basic auth from the web
// configuration when there is one (exporter-toolkit).
func serveHTTP(ln net.Listener, srv *http.Server, webConfig string, log *slog.Logger) error {
	noSocket := false
	return web.Serve(ln, srv, &web.FlagConfig{
		WebListenAddresses: &[]string{ln.Addr().String()},
		WebSystemdSocket:   &noSocket,
		WebConfigFile:      &webConfig,
	}, log)
}
