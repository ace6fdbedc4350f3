package cli

import (
	"fmt"
	"sync"
	"time"
)

// spinner shows the current stage on stderr, only when stderr is a
// terminal and the output is the human table (never mixed into data).
type spinner struct {
	io      *IOStreams
	enabled bool

	mu      sync.Mutex
	stage   string
	started time.Time
	stop    chan struct{}
	done    chan struct{}
}

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newSpinner(io *IOStreams, human bool) *spinner {
	s := &spinner{io: io, enabled: human && io.IsStderrTTY()}
	if s.enabled {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.loop()
	}
	return s
}

// Stage switches the displayed stage.
func (s *spinner) Stage(name string) {
	if !s.enabled {
		return
	}
	s.mu.Lock()
	s.stage, s.started = name, time.Now()
	s.mu.Unlock()
}

func (s *spinner) loop() {
	defer close(s.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-s.stop:
			fmt.Fprint(s.io.ErrOut, "\r\033[K")
			return
		case <-t.C:
			s.mu.Lock()
			stage, started := s.stage, s.started
			s.mu.Unlock()
			if stage != "" {
				fmt.Fprintf(s.io.ErrOut, "\r\033[K%s %s (%s)", spinnerFrames[i%len(spinnerFrames)], stage, time.Since(started).Round(time.Second))
			}
		}
	}
}

// Stop clears the line and ends the animation.
func (s *spinner) Stop() {
	if !s.enabled {
		return
	}
	close(s.stop)
	<-s.done
}
