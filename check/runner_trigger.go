package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/pause"
	"github.com/monhook/monhook/scenarios"
)

const (
	// defaultMetricInterval is how often a synthetic metric is posted when
	// the scenario does not say.
	defaultMetricInterval = 5 * time.Second
	// defaultPollInterval caps the wait between alarm polls.
	defaultPollInterval = 2 * time.Second
	// firstPoll is the first wait between polls; it doubles up to the cap.
	firstPoll = 50 * time.Millisecond
)

func (x *run) trigger(ctx context.Context) (string, error) {
	// The first expectation's time runs from when the trigger acts: the
	// first post here, the PATCH below for api-state.
	x.since = time.Now()
	var parts []string
	if x.sc.Metric.Source == scenarios.SourceSynthetic {
		interval := x.sc.Metric.Interval.Duration()
		if interval <= 0 {
			interval = defaultMetricInterval
		}
		x.feeder = startFeeder(x.target.Client, x.rendered.MetricName, x.rendered.Dimensions, x.sc.Metric.Values, interval)
		if err := x.feeder.awaitFirst(ctx); err != nil {
			return "", apiError(err, "posting "+x.rendered.MetricName)
		}
		parts = append(parts, fmt.Sprintf("posting %s%s = %s every %s",
			x.rendered.MetricName, scenarios.DimensionSet(x.rendered.Dimensions), formatValues(x.sc.Metric.Values), roundDuration(interval)))
	} else {
		parts = append(parts, fmt.Sprintf("waiting for the agent's %s from %s", x.rendered.MetricName, x.vars.Hostname))
	}
	if x.sc.Trigger.Kind == scenarios.TriggerAPIState {
		a, err := x.pollAlarm(ctx)
		if err != nil {
			return strings.Join(parts, "; "), err
		}
		if x.awaitEvaluation {
			// No deterministic alarms on this API: the alarm starts
			// UNDETERMINED; the state set now must replace the threshold
			// engine's first verdict, not race it.
			if a, err = x.awaitEvaluated(ctx); err != nil {
				return strings.Join(parts, "; "), err
			}
			parts = append(parts, "alarm evaluated "+a.State+" by the threshold engine")
		}
		state := x.sc.Trigger.State
		x.since = time.Now()
		if _, err := alarms.Patch(ctx, x.target.Client, a.ID, alarms.PatchOpts{State: &state}).Extract(); err != nil {
			return "", apiError(err, "setting the alarm state through the API")
		}
		parts = append(parts, fmt.Sprintf("alarm %s: %s → %s via PATCH", a.ID, a.State, state))
	}
	return strings.Join(parts, "; "), nil
}

func (x *run) awaitAlarm(ctx context.Context) (string, error) {
	a, err := x.pollAlarm(ctx)
	if err != nil {
		return "", err
	}
	dims := ""
	if len(a.Metrics) > 0 {
		dims = " on " + a.Metrics[0].Name + scenarios.DimensionSet(a.Metrics[0].Dimensions).String()
	}
	return fmt.Sprintf("alarm %s%s: %s", a.ID, dims, a.State), nil
}

// pollAlarm waits until the threshold engine has created the definition's
// alarm. Monasca has no event for that, so this is the one place the check
// polls the API, backing off from 50 ms to PollInterval.
func (x *run) pollAlarm(ctx context.Context) (alarms.Alarm, error) {
	var found alarms.Alarm
	err := x.poll(ctx, func(ctx context.Context) (bool, error) {
		pages, err := alarms.List(x.target.Client, alarms.ListOpts{AlarmDefinitionID: x.definitionID}).AllPages(ctx)
		if err != nil {
			return false, apiError(err, "listing the definition's alarms")
		}
		list, err := alarms.ExtractAlarms(pages)
		if err != nil || len(list) == 0 {
			return false, err
		}
		found = list[0]
		x.alarmID.setIfEmpty(found.ID)
		return true, nil
	})
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		if errors.Is(err, context.Canceled) {
			return found, &stageError{class: classInterrupted, msg: "interrupted"}
		}
		return found, &stageError{class: classFailure, msg: "the threshold engine created no alarm for the definition in time", hints: x.noAlarmHints()}
	}
	return found, err
}

// awaitEvaluated waits until the threshold engine has moved the alarm out
// of UNDETERMINED.
func (x *run) awaitEvaluated(ctx context.Context) (alarms.Alarm, error) {
	var a alarms.Alarm
	err := x.poll(ctx, func(ctx context.Context) (bool, error) {
		got, err := alarms.Get(ctx, x.target.Client, x.alarmID.get()).Extract()
		if err != nil {
			return false, apiError(err, "reading the alarm's state")
		}
		a = *got
		return a.State != "UNDETERMINED", nil
	})
	switch {
	case errors.Is(err, context.Canceled):
		return a, &stageError{class: classInterrupted, msg: "interrupted"}
	case errors.Is(err, context.DeadlineExceeded):
		return a, &stageError{class: classFailure, msg: "the threshold engine did not evaluate the alarm in time (still UNDETERMINED)",
			hints: x.noAlarmHints()}
	}
	return a, err
}

func (x *run) noAlarmHints() []string {
	hints := []string{"alarms are created only from measurements that arrive after the definition reached the " +
		"threshold engine (monasca-thresh), through Kafka's events topic: a definition that reaches it late (seconds " +
		"normally) or never leaves only later measurements to create the alarm; check that monasca-thresh is running " +
		"and consuming the events and metrics topics"}
	if x.sc.NeedsAgent() {
		hints = append(hints, fmt.Sprintf("host %s may have stopped reporting %s", x.vars.Hostname, x.rendered.MetricName), hintOtherProject)
		hints = append(hints, x.clockSkewHints()...)
	} else if x.feeder != nil && x.feeder.errors() > 0 {
		hints = append(hints, fmt.Sprintf("%d metric posts failed; last error: %v", x.feeder.errors(), x.feeder.lastError()))
	}
	return hints
}

// poll calls check until it reports done, fails, or ctx ends.
func (x *run) poll(ctx context.Context, check func(context.Context) (bool, error)) error {
	ceiling := x.PollInterval
	if ceiling <= 0 {
		ceiling = defaultPollInterval
	}
	wait := min(firstPoll, ceiling)
	for {
		done, err := check(ctx)
		if err != nil || done {
			return err
		}
		if err := pause.For(ctx, wait); err != nil {
			return err
		}
		wait = min(wait*2, ceiling)
	}
}

func formatValues(vs []float64) string {
	parts := make([]string, 0, len(vs))
	for _, v := range slices.Compact(slices.Clone(vs)) {
		parts = append(parts, fmt.Sprint(v))
	}
	return strings.Join(parts, " → ")
}

// roundDuration keeps durations readable after speed scaling (83ms, not
// 83.333333ms; 1ms, not 1.031506ms), to the precision the report's
// tables show (report.FormatDuration).
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second)
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}
