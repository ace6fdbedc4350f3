package query

import (
	"testing"
	"time"
)

func TestDimensionsSortedAndColonJoined(t *testing.T) {
	got := Dimensions(map[string]string{"service": "monitoring", "hostname": "h1", "any": ""})
	if want := "any,hostname:h1,service:monitoring"; got != want {
		t.Fatalf("Dimensions = %q, want %q", got, want)
	}
	if got := Dimensions(nil); got != "" {
		t.Fatalf("Dimensions(nil) = %q, want empty", got)
	}
}

func TestBuildAddsExtraAfterQTags(t *testing.T) {
	opts := struct {
		Name  string `q:"name"`
		Limit int    `q:"limit"`
	}{Name: "x y", Limit: 5}
	got, err := Build(opts, map[string]string{"dimensions": "a:1,b:2", "empty": ""})
	if err != nil {
		t.Fatal(err)
	}
	if want := "?dimensions=a%3A1%2Cb%3A2&limit=5&name=x+y"; got != want {
		t.Fatalf("Build = %q, want %q", got, want)
	}
	got, err = Build(struct{}{}, nil)
	if err != nil || got != "" {
		t.Fatalf("empty Build = %q, %v; want \"\", nil", got, err)
	}
}

func TestTimeIsUTCWithMillis(t *testing.T) {
	ts := time.Date(2026, 1, 2, 4, 5, 6, 7_000_000, time.FixedZone("X", 3600))
	if got, want := Time(ts), "2026-01-02T03:05:06.007Z"; got != want {
		t.Fatalf("Time = %q, want %q", got, want)
	}
}
