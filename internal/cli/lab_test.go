package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/profile"
)

func TestLabFlags(t *testing.T) {
	tests := []struct {
		args    []string
		env     map[string]string
		check   func(*labOptions) bool
		wantErr bool
	}{
		{args: []string{"lab"}, check: func(o *labOptions) bool {
			return o.Listen == "127.0.0.1:0" && o.Speed == 1 && o.Hosts == 3 && o.VersionSuffix && o.KeystoneURL == ""
		}},
		{args: []string{"lab", "--listen", "0.0.0.0:8070", "--speed", "60", "--hosts", "0", "--advertise-version-suffix=false"},
			check: func(o *labOptions) bool {
				return o.Listen == "0.0.0.0:8070" && o.Speed == 60 && o.Hosts == 0 && !o.VersionSuffix
			}},
		{args: []string{"lab", "--keystone-url", "http://ks/v3", "--keystone-service-user", "svc"},
			env: map[string]string{"OS_USERNAME": "ignored", "OS_PASSWORD": "envpw", "OS_PROJECT_NAME": "service"},
			check: func(o *labOptions) bool {
				return o.ServiceUser == "svc" && o.ServicePassword == "envpw" && o.ServiceProject == "service"
			}},
		{args: []string{"lab", "--agents-project", "service", "--definition-delay", "3s", "--agent-clock-skew", "-5m"},
			check: func(o *labOptions) bool {
				return o.Faults == labFaults{AgentsProject: "service", DefinitionDelay: 3 * time.Second, AgentClockSkew: -5 * time.Minute}
			}},
		{args: []string{"lab", "--release", "mitaka", "--api", "java"}, check: func(o *labOptions) bool {
			return o.Faults.profile == profile.MustParse("mitaka", "java")
		}},
		{args: []string{"lab", "--release", "liberty"}, wantErr: true},
		{args: []string{"lab", "--api", "go"}, wantErr: true},
		{args: []string{"lab", "--definition-delay", "-1s"}, wantErr: true},
		{args: []string{"lab", "--agents-project", "service", "--keystone-url", "http://ks/v3"}, wantErr: true},
		{args: []string{"lab", "--speed", "0"}, wantErr: true},
		{args: []string{"lab", "--hosts", "-1"}, wantErr: true},
		{args: []string{"lab", "extra"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			streams, _, _ := TestStreams()
			f := NewFactory(streams, "test")
			var got *labOptions
			root := NewCmdRoot(f)
			for i, c := range root.Commands() {
				if c.Name() == "lab" {
					root.RemoveCommand(root.Commands()[i])
					break
				}
			}
			root.AddCommand(NewCmdLab(f, func(_ context.Context, o *labOptions) error { got = o; return nil }))
			root.SetArgs(tt.args)
			_, err := root.ExecuteC()
			if tt.wantErr {
				if err == nil || exitCode(context.Background(), err) != 2 {
					t.Fatalf("want a usage error, got %v", err)
				}
				return
			}
			if err != nil || got == nil || !tt.check(got) {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

func TestLabRunPrintsExportsThatWorkAndStopsOnCancel(t *testing.T) {
	streams, stdout, stderr := TestStreams()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var authURL string
	opts := &labOptions{IO: streams, Listen: "127.0.0.1:0", Speed: 60, Hosts: 0, TokenTTL: time.Hour, VersionSuffix: true,
		started: func(l *lab.Lab) { authURL = l.AuthURL(); cancel() }}
	if err := labRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(stdout.Bytes()))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			t.Fatalf("stdout must carry only export lines, got %q", sc.Text())
		}
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	want := map[string]string{
		"OS_AUTH_URL": authURL, "OS_USERNAME": "labuser", "OS_PASSWORD": "labuser-password", "OS_PROJECT_NAME": "monhook-lab",
		"OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default", "OS_DOMAIN_NAME": "Default",
		"OS_REGION_NAME": "RegionOne", "OS_IDENTITY_API_VERSION": "3", "OS_INTERFACE": "public",
		"MONHOOK_SPEED": "60",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	for _, s := range []string{"labreader", "labagent", "labadmin", "otheruser", "/monitoring/v2.0", "stopping"} {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
		}
	}
	// After labRun returned, the lab is closed.
	if _, err := http.Get(authURL); err == nil {
		t.Fatal("lab still serving after cancel")
	}
}

func TestLabExportsAuthenticate(t *testing.T) {
	streams, stdout, _ := TestStreams()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	ready := make(chan *lab.Lab, 1)
	go func() {
		errc <- labRun(ctx, &labOptions{IO: streams, Listen: "127.0.0.1:0", Speed: 1, VersionSuffix: true,
			started: func(l *lab.Lab) { ready <- l }})
	}()
	select {
	case <-ready:
	case err := <-errc:
		t.Fatalf("labRun ended before the lab started: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the lab did not start within 30 s")
	}
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		env[k] = v
	}
	body, _ := json.Marshal(map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": env["OS_USERNAME"], "password": env["OS_PASSWORD"], "domain": map[string]string{"name": env["OS_USER_DOMAIN_NAME"]}}}},
		"scope": map[string]any{"project": map[string]any{"name": env["OS_PROJECT_NAME"], "domain": map[string]string{"name": env["OS_PROJECT_DOMAIN_NAME"]}}},
	}})
	resp, err := http.Post(env["OS_AUTH_URL"]+"/auth/tokens", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("auth with the exports: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("labRun did not return within 30 s of the cancel")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8070/identity/v3": "http://127.0.0.1:8070/identity/v3",
		"it's":                              `'it'\''s'`,
		"a b":                               "'a b'",
		"":                                  "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabHelpDocumentsTheFaultOptions(t *testing.T) {
	code, stdout, _ := runCLI(t, "lab", "--help")
	stdout = strings.Join(strings.Fields(stdout), " ") // the help is wrapped to the terminal
	for _, want := range []string{"--agents-project", "--definition-delay", "--agent-clock-skew", "monasca-thresh silently drops", "webhook timeout stays 5 s"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("exit %d; lab --help does not document %q", code, want)
		}
	}
}
