package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/register"
)

// unregisterTimeout bounds the clean-up after the listener was told to stop
// (its own context is cancelled by then).
const unregisterTimeout = 30 * time.Second

func registerListener(ctx context.Context, o *listenOptions, s *openstack.Session, callback string, p *deliveryPrinter) (*register.Registration, error) {
	reg, err := register.Register(ctx, s.Monitoring, register.Options{
		Address: callback, Period: o.RegisterPeriod, Definition: o.Attach, On: o.AttachOn,
	})
	if errors.Is(err, register.ErrNoDefinition) {
		return nil, usageErrorf("--attach: %v", err)
	}
	var missing *features.MissingError
	if errors.As(err, &missing) {
		// Found before anything was created: --register-period asks for
		// what this API lacks.
		return nil, usageErrorf("--register-period %d: %v", o.RegisterPeriod, err)
	}
	if err != nil {
		// Explain turns a read-only user's 401 "Forbidden" into the
		// monasca-user role hint check and cleanup give, instead of
		// gophercloud's "Unable to re-authenticate: Expected HTTP response…".
		return nil, cannotRun(fmt.Errorf("--register: %w", s.Explain(err)))
	}
	if missing := reg.API.Missing(); len(missing) > 0 {
		p.status("the Monasca API (%s) lacks %s (added in %s): the method was created without period",
			reg.API.Flavor, strings.Join(missing, ", "), features.AddedIn)
	}
	p.status("registered notification method %s (%s), WEBHOOK to the URL below", reg.MethodID, reg.MethodName)
	if reg.DefinitionID != "" {
		p.status("attached to alarm definition %q (%s) for %s", reg.DefinitionName, reg.DefinitionID, strings.Join(o.AttachOn, ", "))
	}
	return reg, nil
}

func unregisterListener(reg *register.Registration, p *deliveryPrinter) error {
	ctx, cancel := context.WithTimeout(context.Background(), unregisterTimeout)
	defer cancel()
	if err := reg.Undo(ctx); err != nil {
		p.status("warning: could not remove everything; run `monhook cleanup`: %v", err)
		return &ExitError{Code: exitcode.Compute(exitcode.Pass, true), Err: err}
	}
	what := "notification method " + reg.MethodID
	if reg.DefinitionID != "" {
		what += " and restored " + reg.DefinitionName + "'s actions"
	}
	p.status("removed %s", what)
	return nil
}

// endpointHostOf is host[:port] of the Monasca endpoint.
func endpointHostOf(s *openstack.Session) string {
	u, err := url.Parse(s.Monitoring.ResourceBaseURL())
	if err != nil {
		return ""
	}
	return u.Host
}
