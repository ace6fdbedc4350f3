package model

import "time"

// Scale compresses one of Monasca's durations (period width, the 60 s
// evaluation tick, the 30 s grace, retry and periodic intervals, the agent
// interval) by the lab's speed factor: at speed 60 a 60 s
// period lasts 1 s. The webhook timeout is not one of them: it is a
// receiver's real time to answer. Speed ≤ 0 means 1 (real time). The result is at least
// 1 ns so that it can always feed a ticker.
func Scale(d time.Duration, speed float64) time.Duration {
	if speed <= 0 || speed == 1 {
		return d
	}
	s := time.Duration(float64(d) / speed)
	if s < 1 {
		return 1
	}
	return s
}
