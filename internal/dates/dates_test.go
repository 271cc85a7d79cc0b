package dates

import (
	"encoding/json"
	"testing"
	"time"
)

// dateAt returns the date at midnight on 1 June of year y, in UTC.
func dateAt(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }

// TestHoldable pins each bound of the dates the model holds, worked by
// hand: after 0001-01-01 UTC (the zero time stands for unknown) and at
// most 9999 in UTC and in the date's own location, with an offset under
// 24 hours. Every holdable date encodes as JSON, which is the second
// check: time.Time.MarshalJSON refuses a year past 9999 or an offset of 24
// hours or more.
func TestHoldable(t *testing.T) {
	east2 := time.FixedZone("+02", 2*3600)
	west1 := time.FixedZone("-01", -3600)
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"the zero time (unknown, checked apart where a date is required)", time.Time{}, true},
		{"year 1", dateAt(1), true},
		{"year 0", dateAt(0), false},
		{"year -5", dateAt(-5), false},
		{"year 9999", dateAt(9999), true},
		{"year 10000", dateAt(10000), false},
		// 0000-12-31 23:30 UTC is 0001-01-01 00:30 at +01:00: local year
		// 1, UTC year 0.
		{"UTC year 0, local year 1", time.Date(1, 1, 1, 0, 30, 0, 0, time.FixedZone("+01", 3600)), false},
		// 0001-01-01 00:30 UTC is 0000-12-31 23:30 at −01:00.
		{"UTC year 1, local year 0", time.Date(1, 1, 1, 0, 30, 0, 0, time.UTC).In(west1), false},
		// 9999-12-31 23:00 UTC is 10000-01-01 01:00 at +02:00.
		{"UTC year 9999, local year 10000", time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC).In(east2), false},
		// 10000-01-01 00:30 UTC is 9999-12-31 23:30 at −01:00.
		{"UTC year 10000, local year 9999", time.Date(10000, 1, 1, 0, 30, 0, 0, time.UTC).In(west1), false},
		{"offset +23:59:59", time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 86399)), true},
		{"offset +24:00", time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 86400)), false},
		{"offset −23:59:59", time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", -86399)), true},
		{"offset −24:00", time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", -86400)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Holdable(tt.t); got != tt.want {
				t.Errorf("Holdable(%s) = %v, want %v", tt.t.Format(time.RFC3339), got, tt.want)
			}
			if _, err := json.Marshal(tt.t); tt.want && err != nil {
				t.Errorf("holdable date %s does not encode: %v", tt.t.Format(time.RFC3339), err)
			}
		})
	}
}
