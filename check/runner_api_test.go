package check_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/scenarios"
)

// preNewton fronts the lab with what a Mitaka monasca-api answers
// differently (reference/monasca-releases.md, mitaka-eol): no types
// endpoint (404), a create schema of name/type/address only (400 for any
// other key, period 0 included), no PATCH of methods (405), an expression
// parser without deterministic and last (422). It records the bodies of
// the notification-method and alarm-definition creates.
type preNewton struct {
	mu      sync.Mutex
	methods []map[string]any // POST /notification-methods bodies, the empty probe excluded
	defs    int              // POST /alarm-definitions
	// keepTypes: a types endpoint, period still refused (the 422 path).
	keepTypes bool
	// java: errors in the Java API's shape.
	java bool
}

func (p *preNewton) handler(proxy http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimSuffix(r.URL.Path, "/")
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var fields map[string]any
		_ = json.Unmarshal(body, &fields)
		switch {
		case !p.keepTypes && strings.HasSuffix(path, "/notification-methods/types"):
			p.fail(w, http.StatusNotFound, "Not Found", "")
			return
		case r.Method == http.MethodPatch && strings.Contains(path, "/notification-methods/"):
			p.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed", "")
			return
		case r.Method == http.MethodPost && strings.HasSuffix(path, "/notification-methods") && len(fields) > 0:
			p.mu.Lock()
			p.methods = append(p.methods, fields)
			p.mu.Unlock()
			if _, ok := fields["period"]; ok {
				// notifications.py@mitaka-eol: the schema's error as 400.
				p.fail(w, http.StatusBadRequest, "Bad Request", "extra keys not allowed @ data['period']")
				return
			}
		case r.Method == http.MethodPost && strings.HasSuffix(path, "/alarm-definitions"):
			p.mu.Lock()
			p.defs++
			p.mu.Unlock()
			expr, _ := fields["expression"].(string)
			if strings.Contains(expr, "deterministic") || strings.Contains(expr, "last(") {
				p.fail(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "Expected \")\" (at char 40), (line:1, col:41)")
				return
			}
		}
		if !p.java {
			proxy.ServeHTTP(w, r)
			return
		}
		// The Java API: the same answers, its error shape.
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r)
		if rec.Code < 400 {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		var falcon struct{ Title, Description string }
		_ = json.Unmarshal(rec.Body.Bytes(), &falcon)
		p.fail(w, rec.Code, falcon.Title, falcon.Description)
	}
}

func (p *preNewton) fail(w http.ResponseWriter, status int, title, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if p.java {
		fault := map[int]string{400: "bad_request", 401: "unauthorized", 404: "not_found", 409: "conflict", 422: "unprocessable_entity"}[status]
		if fault == "" {
			fault = "server_error"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{fault: map[string]any{"code": status, "message": title, "details": desc, "internal_code": "3e1f"}})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"title": title, "description": desc})
}

func (p *preNewton) creates() (methods []map[string]any, defs int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.methods...), p.defs
}

func wantFeatures(t *testing.T, rep *report.Report, flavor string, want bool) {
	t.Helper()
	a := rep.Target.API
	if a == nil {
		t.Fatal("report has no target.api")
	}
	if a.Flavor != flavor {
		t.Errorf("target.api.flavor = %q, want %q", a.Flavor, flavor)
	}
	for _, f := range []string{"types", "period", "patch", "deterministic", "last"} {
		if has, ok := a.Features[f]; !ok || has != want {
			t.Errorf("target.api.features[%s] = %v (present %v), want %v", f, has, ok, want)
		}
	}
}

// Against a pre-Newton API the type check is skipped with a note, the
// method is created without period, and synthetic and api-state pass.
func TestPreNewtonAPIRunsSyntheticAndAPIState(t *testing.T) {
	l := startLab(t)
	for _, name := range []string{"synthetic", "api-state"} {
		t.Run(name, func(t *testing.T) {
			p := &preNewton{}
			r := newRunner(t, l, name)
			proxied(t, r, l, p.handler)
			rep := run(t, r, 2*time.Minute)
			if rep.Verdict != report.VerdictPass || rep.ExitCode != 0 {
				t.Fatalf("verdict %s exit %d: %s\nstages: %+v", rep.Verdict, rep.ExitCode, rep.Error, rep.Stages)
			}
			if d := stage(rep, scenarios.StagePreflight).Detail; !strings.Contains(d, "no types endpoint") || !strings.Contains(d, "type check skipped") {
				t.Errorf("preflight detail %q does not say the type check was skipped", d)
			}
			methods, _ := p.creates()
			if len(methods) != 1 {
				t.Fatalf("%d method creates, want 1: %v", len(methods), methods)
			}
			if _, ok := methods[0]["period"]; ok {
				t.Errorf("the method was created with period: %v", methods[0])
			}
			wantFeatures(t, rep, "python", false)
			assertNothingLeft(t, l)
		})
	}
}

// A scenario needing what the API lacks is refused before anything is
// created: exit 2, naming the feature and Newton.
func TestPreNewtonAPIRefusesPeriodicAndLast(t *testing.T) {
	l := startLab(t)
	for name, feature := range map[string]string{"periodic": "`period`", "ok-cycle": "`last`"} {
		t.Run(name, func(t *testing.T) {
			p := &preNewton{}
			r := newRunner(t, l, name)
			proxied(t, r, l, p.handler)
			rep := run(t, r, time.Minute)
			if rep.ExitCode != 2 || rep.Verdict != report.VerdictError {
				t.Fatalf("verdict %s exit %d, want error/2: %s", rep.Verdict, rep.ExitCode, rep.Error)
			}
			for _, want := range []string{feature, "Newton", "preflight"} {
				if !strings.Contains(rep.Error, want) {
					t.Errorf("error %q does not name %s", rep.Error, want)
				}
			}
			if methods, defs := p.creates(); len(methods) != 0 || defs != 0 || len(rep.Resources) != 0 {
				t.Errorf("created %d methods, %d definitions (resources %v); want nothing", len(methods), defs, rep.Resources)
			}
		})
	}
}

// An API with a types endpoint that still refuses period (detection said
// Newton): the create is asked again without it, and the report says so.
func TestCreateSurvivesARefusedPeriod(t *testing.T) {
	l := startLab(t)
	p := &preNewton{keepTypes: true}
	r := newRunner(t, l, "synthetic")
	proxied(t, r, l, p.handler)
	rep := run(t, r, time.Minute)
	if rep.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s exit %d: %s", rep.Verdict, rep.ExitCode, rep.Error)
	}
	methods, _ := p.creates()
	if len(methods) != 2 || methods[0]["period"] == nil || methods[1]["period"] != nil {
		t.Fatalf("creates %v, want one with period then one without", methods)
	}
	if rep.Target.API == nil || rep.Target.API.Features["period"] || !rep.Target.API.Features["types"] {
		t.Errorf("target.api %+v, want types but no period", rep.Target.API)
	}
	assertNothingLeft(t, l)
}

// The Java API's error bodies show its flavor; the report says java.
func TestJavaFlavorIsDetectedFromItsErrorBodies(t *testing.T) {
	l := startLab(t)
	p := &preNewton{java: true}
	r := newRunner(t, l, "synthetic")
	proxied(t, r, l, p.handler)
	rep := run(t, r, time.Minute)
	if rep.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s exit %d: %s\nstages: %+v", rep.Verdict, rep.ExitCode, rep.Error, rep.Stages)
	}
	wantFeatures(t, rep, "java", false)
}

// The lab is a Newton-on Python API: every feature, flavor python.
func TestTheLabShowsEveryFeature(t *testing.T) {
	l := startLab(t)
	rep := run(t, newRunner(t, l, "synthetic"), time.Minute)
	if rep.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s: %s", rep.Verdict, rep.Error)
	}
	wantFeatures(t, rep, "python", true)
}

// deterministic only adapts for an api-state trigger; a metrics-triggered
// scenario that needs it is refused, naming it.
func TestPreNewtonAPIRefusesADeterministicMetricsScenario(t *testing.T) {
	l := startLab(t)
	p := &preNewton{}
	r := newRunner(t, l, "synthetic")
	r.Scenario.Expression = "max({{.Metric}}{{.Dimensions}}, deterministic) > 50"
	proxied(t, r, l, p.handler)
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 2 || !strings.Contains(rep.Error, "`deterministic`") || !strings.Contains(rep.Error, "Newton") {
		t.Fatalf("exit %d: %s; want 2 naming deterministic and Newton", rep.ExitCode, rep.Error)
	}
	if methods, defs := p.creates(); len(methods) != 0 || defs != 0 {
		t.Errorf("created %d methods, %d definitions; want nothing", len(methods), defs)
	}
}
