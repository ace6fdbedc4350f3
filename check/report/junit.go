package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The JUnit elements, as CI systems (Jenkins, GitLab, GitHub reporters)
// read them: one <testsuite> with one <testcase> per stage.
type junitSuite struct {
	XMLName    xml.Name        `xml:"testsuite"`
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  *junitText      `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// junitText is element text written as CDATA, so multi-line output stays
// readable in the file rather than full of &#xA;.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// WriteJUnit writes the run as JUnit XML: one testsuite named after the
// scenario, one testcase per stage (time in seconds); a failed stage
// carries <failure message="detail"> with its hints as the body, a skipped
// one <skipped/>. A run that did not pass without any failed stage gets a
// failed "verdict" testcase, so it never reads as green. Leaked resources
// and the run's error go to system-out.
func WriteJUnit(w io.Writer, r *Report) error {
	r = r.normalized()
	suite := junitSuite{
		Name:      "monhook check " + r.Scenario,
		Time:      seconds(r.DurationMS),
		Timestamp: r.StartedAt.UTC().Format(time.RFC3339),
		Properties: []junitProperty{
			{"run_id", r.RunID},
			{"scenario", r.Scenario},
			{"verdict", r.Verdict},
			{"exit_code", fmt.Sprint(r.ExitCode)},
			{"endpoint", r.Endpoint},
			{"target_lab", fmt.Sprint(r.Target.Lab)},
			{"speed", fmt.Sprint(r.Target.Speed)},
		},
	}
	if a := r.Target.API; a != nil {
		suite.Properties = append(suite.Properties, junitProperty{"api_flavor", a.Flavor})
		for _, f := range featureOrder {
			if v, ok := a.Features[f]; ok {
				suite.Properties = append(suite.Properties, junitProperty{"api_" + f, fmt.Sprint(v)})
			}
		}
	}
	if r.Saved != nil {
		suite.Properties = append(suite.Properties, junitProperty{"saved", r.Saved.Path})
	}
	for _, s := range r.Stages {
		c := junitCase{Name: s.Name, Classname: "monhook." + r.Scenario, Time: seconds(s.DurationMS)}
		switch s.Status {
		case StatusFailed:
			suite.Failures++
			body := s.Detail
			for _, h := range s.Hints {
				body += "\nhint: " + h
			}
			c.Failure = &junitFailure{Message: xmlSafe(s.Detail), Type: "failed", Body: xmlSafe(body)}
		case StatusSkipped:
			suite.Skipped++
			c.Skipped = &junitSkipped{Message: xmlSafe(s.Detail)}
		}
		suite.Cases = append(suite.Cases, c)
	}
	if r.Verdict != VerdictPass && suite.Failures == 0 {
		// A run that did not pass must not read green in CI, even when no
		// single stage failed (interrupted during teardown, say): the
		// verdict itself is the failing case.
		suite.Failures++
		msg := r.Verdict
		if r.Error != "" {
			msg += ": " + r.Error
		}
		suite.Cases = append(suite.Cases, junitCase{Name: "verdict", Classname: "monhook." + r.Scenario, Time: "0.000",
			Failure: &junitFailure{Message: xmlSafe(msg), Type: r.Verdict, Body: xmlSafe(msg)}})
	}
	suite.Tests = len(suite.Cases)
	if out := systemOut(r); out != "" {
		suite.SystemOut = &junitText{Text: xmlSafe(out)}
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suite); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	return nil
}

func systemOut(r *Report) string {
	var b strings.Builder
	for _, d := range r.Deliveries {
		fmt.Fprintf(&b, "delivery %d: %s\n", d.Seq, deliveryLine(d))
	}
	for _, l := range r.Leaked {
		fmt.Fprintf(&b, "leaked %s %s (%s): %s\n", l.Kind, l.ID, l.Name, l.Error)
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", r.Error)
	}
	return b.String()
}

// xmlSafe replaces the characters XML 1.0 cannot carry at all (control
// characters in API error bodies, say), which would make the file unreadable
// to every JUnit consumer.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }
