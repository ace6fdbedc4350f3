// Command monhook-loadgen posts Monasca-shaped webhook notifications at a
// URL (for instance the callback URL `monhook listen` prints) and reports
// deliveries/s and latency quantiles.
//
//	go run ./internal/loadgen/cmd/monhook-loadgen -url http://127.0.0.1:8080/TOKEN -c 16 -n 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/monhook/monhook/internal/loadgen"
)

func main() {
	url := flag.String("url", "", "receiver URL to POST to (required)")
	conc := flag.Int("c", 16, "concurrent connections")
	n := flag.Int("n", 0, "number of requests (0: run for -d)")
	d := flag.Duration("d", 10*time.Second, "duration when -n is 0")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "monhook-loadgen: -url is required")
		os.Exit(2)
	}
	cfg := loadgen.Config{URL: *url, Concurrency: *conc, Requests: *n}
	if *n == 0 {
		cfg.Duration = *d
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "monhook-loadgen:", err)
		os.Exit(2)
	}
	fmt.Println(res)
	if res.FirstErr != "" {
		fmt.Fprintln(os.Stderr, "first error:", res.FirstErr)
	}
	if res.Acked != res.Sent {
		os.Exit(1)
	}
}
