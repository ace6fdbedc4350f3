package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/monhook/monhook"

// Public packages are importable by anyone, so their API must not depend
// on the application's internal/ tree (README, "Layout"). Resource-private
// internal packages below a public one (openstack/monitoring/v2/internal)
// are that subtree's own business and allowed.
func TestPublicPackagesDoNotImportInternalOnes(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command on PATH: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-deps=false", "-json=ImportPath,Imports", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if isAppInternal(p.ImportPath) || strings.HasPrefix(p.ImportPath, module+"/cmd/") {
			continue
		}
		checked++
		for _, imp := range p.Imports {
			if isAppInternal(imp) {
				t.Errorf("public package %s imports %s", p.ImportPath, imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("go list reported no public packages")
	}
}

func isAppInternal(path string) bool {
	return path == module+"/internal" || strings.HasPrefix(path, module+"/internal/")
}
