package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/output"
)

// withUsageReport makes a usage error of check still leave the report its
// consumer waits for: with -o json|yaml a document on stdout, with --junit
// the file, each carrying the error with verdict "error" and exit code 2.
// A CI job or the shipped CronJob then has a test result naming the
// mistake, not an empty file. Nothing ran, so the report has no stages.
func (o *checkOptions) withUsageReport(cmd *cobra.Command, err error) error {
	var ee *ExitError
	if err == nil || !errors.As(err, &ee) || ee.Code != exitcode.Of(exitcode.Usage) || ee.Silent {
		// Silent: the run itself ended in exit 2 (preflight found the
		// API lacks what the scenario needs) and wrote its own report.
		return err
	}
	format := o.Output()
	if format == output.Table && o.JUnit == "" {
		return err
	}
	scenario := o.Scenario
	if o.ScenarioFile != "" {
		scenario = filepath.Base(o.ScenarioFile)
	}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Scenario:      scenario,
		StartedAt:     time.Now().UTC(),
		Verdict:       report.VerdictError,
		ExitCode:      ee.Code,
		Error:         err.Error(),
		Target:        report.Target{Lab: o.Lab, Speed: o.Speed},
	}
	if format != output.Table {
		var buf bytes.Buffer
		if werr := writeReport(&buf, format, rep); werr == nil {
			_, _ = o.IO.Out.Write(buf.Bytes())
		}
	}
	if o.JUnit != "" {
		// Best effort: the usage error may be about --junit itself.
		if fi, serr := os.Stat(filepath.Dir(o.JUnit)); serr == nil && fi.IsDir() {
			_ = writeFileAtomic(o.JUnit, func(f *os.File) error { return report.WriteJUnit(f, rep) })
		}
	}
	return err
}
