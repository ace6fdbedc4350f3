package model

import (
	"testing"
	"time"
)

func TestScale(t *testing.T) {
	tests := []struct {
		d     time.Duration
		speed float64
		want  time.Duration
	}{
		{60 * time.Second, 1, 60 * time.Second},
		{60 * time.Second, 0, 60 * time.Second},
		{60 * time.Second, -3, 60 * time.Second},
		{60 * time.Second, 60, time.Second},
		{30 * time.Second, 10, 3 * time.Second},
		{5 * time.Second, 0.5, 10 * time.Second},
		{1, 1e6, 1},
	}
	for _, tt := range tests {
		if got := Scale(tt.d, tt.speed); got != tt.want {
			t.Errorf("Scale(%v, %v) = %v, want %v", tt.d, tt.speed, got, tt.want)
		}
	}
}
