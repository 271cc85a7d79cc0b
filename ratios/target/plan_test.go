package target

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/funnelmath/funnelmath/funnel"
)

// planStart is the Monday the worked plans start.
var planStart = time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)

// day returns the date d days after planStart.
func planDay(d int) time.Time { return planStart.AddDate(0, 0, d) }

// followUps is the worked goal: 0.33 to 0.50 follow-up meetings per
// initial meeting.
func followUps() Goal {
	return Goal{Name: "follow-ups per initial meeting", Kind: MetricRatio, Current: 0.33, Target: 0.50}
}

func TestNewPlan(t *testing.T) {
	resolved := followUps()
	resolved.Direction = HigherIsBetter
	cp := func(week int, share, value float64) Checkpoint {
		return Checkpoint{Week: week, From: planDay(7 * (week - 1)), Due: planDay(7 * week), Share: share, Values: []float64{value}}
	}
	tests := []struct {
		name string
		spec PlanSpec
		want Plan
	}{
		{
			// Hand-worked, linear: s(i) = i/6, value = 0.33 + 0.17·i/6,
			// the improvement 0.50 − 0.33 = 0.17 in steps of 0.17/6 =
			// 0.028333: 0.358333, 0.386667, 0.415, 0.443333, 0.471667,
			// 0.50; due every 7 days from Monday 2024-03-04.
			name: "linear",
			spec: PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6},
			want: Plan{Start: planStart, End: planDay(42), Weeks: 6, Shape: Linear, Goals: []Goal{resolved}, Checkpoints: []Checkpoint{
				cp(1, 1.0/6, 0.33+0.17/6),   // 0.358333
				cp(2, 2.0/6, 0.33+0.17*2/6), // 0.386667
				cp(3, 3.0/6, 0.415),         // 0.33 + 0.085
				cp(4, 4.0/6, 0.33+0.17*4/6), // 0.443333
				cp(5, 5.0/6, 0.33+0.17*5/6), // 0.471667
				cp(6, 1, 0.50),              // the target
			}},
		},
		{
			// Hand-worked, front-loaded: s(i) = 1 − (1 − i/6)²
			// = 11/36, 20/36, 27/36, 32/36, 35/36, 1; value =
			// 0.33 + 0.17·s: 0.381944, 0.424444, 0.4575, 0.481111,
			// 0.495278, 0.50.
			name: "front-loaded",
			spec: PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6, Shape: FrontLoaded},
			want: Plan{Start: planStart, End: planDay(42), Weeks: 6, Shape: FrontLoaded, Goals: []Goal{resolved}, Checkpoints: []Checkpoint{
				cp(1, 11.0/36, 0.33+0.17*11/36), // 0.381944
				cp(2, 20.0/36, 0.33+0.17*20/36), // 0.424444
				cp(3, 0.75, 0.4575),             // 0.33 + 0.17·0.75
				cp(4, 32.0/36, 0.33+0.17*32/36), // 0.481111
				cp(5, 35.0/36, 0.33+0.17*35/36), // 0.495278
				cp(6, 1, 0.50),
			}},
		},
		{
			// An end date 39 days on: ⌈39/7⌉ = 6 weeks, the last due at
			// the end (Friday 2024-04-12), the others every 7 days.
			name: "end date",
			spec: PlanSpec{Goals: []Goal{followUps()}, Start: planStart, End: planDay(39)},
			want: Plan{Start: planStart, End: planDay(39), Weeks: 6, Shape: Linear, Goals: []Goal{resolved}, Checkpoints: []Checkpoint{
				cp(1, 1.0/6, 0.33+0.17/6),
				cp(2, 2.0/6, 0.33+0.17*2/6),
				cp(3, 3.0/6, 0.415),
				cp(4, 4.0/6, 0.33+0.17*4/6),
				cp(5, 5.0/6, 0.33+0.17*5/6),
				{Week: 6, From: planDay(35), Due: planDay(39), Share: 1, Values: []float64{0.50}},
			}},
		},
		{
			// Lower is better, inferred from 12 > 8 touches per won
			// deal; a count per week beside it; two weeks, linear:
			// touches 12 − 4·½ = 10, then 8; meetings 5 + 2·½ = 6,
			// then 7.
			name: "two goals, lower is better",
			spec: PlanSpec{Goals: []Goal{
				{Name: "touches per won deal", Current: 12, Target: 8},
				{Name: "first meetings a week", Kind: MetricCount, Current: 5, Target: 7},
			}, Start: planStart, Weeks: 2},
			want: Plan{Start: planStart, End: planDay(14), Weeks: 2, Goals: []Goal{
				{Name: "touches per won deal", Current: 12, Target: 8, Direction: LowerIsBetter},
				{Name: "first meetings a week", Kind: MetricCount, Current: 5, Target: 7, Direction: HigherIsBetter},
			}, Checkpoints: []Checkpoint{
				{Week: 1, From: planDay(0), Due: planDay(7), Share: 0.5, Values: []float64{10, 6}},
				{Week: 2, From: planDay(7), Due: planDay(14), Share: 1, Values: []float64{8, 7}},
			}},
		},
		{
			// A goal that holds its value: every checkpoint is 0.3.
			name: "hold",
			spec: PlanSpec{Goals: []Goal{{Name: "win rate", Kind: MetricShare, Current: 0.3, Target: 0.3}}, Start: planStart, Weeks: 2, Shape: FrontLoaded},
			want: Plan{Start: planStart, End: planDay(14), Weeks: 2, Shape: FrontLoaded, Goals: []Goal{
				{Name: "win rate", Kind: MetricShare, Current: 0.3, Target: 0.3, Direction: HigherIsBetter},
			}, Checkpoints: []Checkpoint{
				{Week: 1, From: planDay(0), Due: planDay(7), Share: 0.75, Values: []float64{0.3}}, // 1 − (1 − ½)²
				{Week: 2, From: planDay(7), Due: planDay(14), Share: 1, Values: []float64{0.3}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := clonePlanSpec(tt.spec)
			got, err := NewPlan(tt.spec)
			if err != nil {
				t.Fatalf("NewPlan: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("NewPlan(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			// The last checkpoint is each target exactly.
			last := got.Checkpoints[len(got.Checkpoints)-1]
			for j, g := range got.Goals {
				if last.Values[j] != g.Target {
					t.Errorf("last value of %q = %v, want the target %v exactly", g.Name, last.Values[j], g.Target)
				}
			}
			if diff := cmp.Diff(before, tt.spec); diff != "" {
				t.Errorf("NewPlan modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

func clonePlanSpec(s PlanSpec) PlanSpec {
	s.Goals = slices.Clone(s.Goals)
	return s
}

// TestPlanDates checks that checkpoints fall on the same wall-clock time
// every 7 calendar days in the start's location, across a change of
// offset: 2024-03-31 is when Central European Time moves to summer time.
func TestPlanDates(t *testing.T) {
	cet, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	start := time.Date(2024, 3, 25, 9, 0, 0, 0, cet)
	p, err := NewPlan(PlanSpec{Goals: []Goal{followUps()}, Start: start, Weeks: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2024-04-01T09:00:00+02:00", "2024-04-08T09:00:00+02:00"}
	var got []string
	for _, c := range p.Checkpoints {
		got = append(got, c.Due.Format(time.RFC3339))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("due dates mismatch (-want +got):\n%s", diff)
	}
}

func TestNewPlanErrors(t *testing.T) {
	ok := func() PlanSpec { return PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6} }
	with := func(f func(*PlanSpec)) PlanSpec { s := ok(); s.Goals = slices.Clone(s.Goals); f(&s); return s }
	tests := []struct {
		name     string
		spec     PlanSpec
		wantName string
		want     error
	}{
		{"no goals", with(func(s *PlanSpec) { s.Goals = nil }), "goals", funnel.ErrNoData},
		{"ends before it starts", with(func(s *PlanSpec) { s.Weeks = 0; s.End = planDay(-3) }), "end", funnel.ErrDateOrder},
		{"ends the day it starts", with(func(s *PlanSpec) { s.Weeks = 0; s.End = planStart.Add(time.Hour) }), "end", funnel.ErrDateOrder},
		{"zero weeks", with(func(s *PlanSpec) { s.Weeks = 0 }), "weeks", funnel.ErrOutOfRange},
		{"negative weeks", with(func(s *PlanSpec) { s.Weeks = -2 }), "weeks", funnel.ErrOutOfRange},
		{"too many weeks", with(func(s *PlanSpec) { s.Weeks = MaxPlanWeeks + 1 }), "weeks", funnel.ErrOutOfRange},
		{"end too far", with(func(s *PlanSpec) { s.Weeks = 0; s.End = planDay(7*MaxPlanWeeks + 1) }), "end", funnel.ErrOutOfRange},
		{"weeks and end", with(func(s *PlanSpec) { s.End = planDay(42) }), "end", funnel.ErrOutOfRange},
		{"zero start", with(func(s *PlanSpec) { s.Start = time.Time{} }), "start", funnel.ErrZeroDate},
		{"start year 0", with(func(s *PlanSpec) { s.Start = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC) }), "start", funnel.ErrZeroDate},
		{"end past 9999", with(func(s *PlanSpec) { s.Start = time.Date(9999, 12, 1, 0, 0, 0, 0, time.UTC) }), "end", funnel.ErrZeroDate},
		{"NaN current", with(func(s *PlanSpec) { s.Goals[0].Current = math.NaN() }), "goals[0].current", funnel.ErrNotFinite},
		{"Inf target", with(func(s *PlanSpec) { s.Goals[0].Target = math.Inf(1) }), "goals[0].target", funnel.ErrNotFinite},
		{"negative ratio", with(func(s *PlanSpec) { s.Goals[0].Current = -0.1 }), "goals[0].current", funnel.ErrNegative},
		{"share above 1", with(func(s *PlanSpec) { s.Goals[0].Kind = MetricShare; s.Goals[0].Target = 1.2 }), "goals[0].target", funnel.ErrRateRange},
		{"unknown shape", with(func(s *PlanSpec) { s.Shape = 7 }), "shape", funnel.ErrOutOfRange},
		{"unknown kind", with(func(s *PlanSpec) { s.Goals[0].Kind = -1 }), "goals[0].kind", funnel.ErrOutOfRange},
		{"unknown direction", with(func(s *PlanSpec) { s.Goals[0].Direction = 9 }), "goals[0].direction", funnel.ErrOutOfRange},
		{"direction against the goal", with(func(s *PlanSpec) { s.Goals[0].Direction = LowerIsBetter }), "goals[0].direction", funnel.ErrOutOfRange},
		{"blank name", with(func(s *PlanSpec) { s.Goals[0].Name = "  " }), "goals[0].name", funnel.ErrOutOfRange},
		{"repeated name", with(func(s *PlanSpec) { s.Goals = append(s.Goals, followUps()) }), "goals[1].name", funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlan(tt.spec)
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewPlan error = %v, want one wrapping %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("NewPlan error %T, want *funnel.InputError", err)
			}
			if diff := cmp.Diff([]string{"target.NewPlan", tt.wantName}, []string{ie.Op, ie.Name}); diff != "" {
				t.Errorf("NewPlan error %q names (-want +got):\n%s", err, diff)
			}
		})
	}
}

func TestEnumText(t *testing.T) {
	b, err := json.Marshal(struct {
		K MetricKind `json:"k"`
		D Direction  `json:"d"`
		S Shape      `json:"s"`
		T Status     `json:"t"`
	}{MetricCount, LowerIsBetter, FrontLoaded, StatusBehind})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"k":"count","d":"lower","s":"front-loaded","t":"behind"}`, string(b)); diff != "" {
		t.Errorf("enum JSON mismatch (-want +got):\n%s", diff)
	}
	for _, name := range []string{"ratio", "share", "count"} {
		var k MetricKind
		if err := k.UnmarshalText([]byte(name)); err != nil || k.String() != name {
			t.Errorf("MetricKind round trip of %q = %v, %v", name, k, err)
		}
	}
	var s Shape
	if err := s.UnmarshalText([]byte("exponential")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Shape.UnmarshalText(exponential) = %v, want ErrOutOfRange", err)
	}
	if _, err := Shape(5).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Shape(5).MarshalText() = %v, want ErrOutOfRange", err)
	}
	if _, err := Direction(-1).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Direction(-1).MarshalText() = %v, want ErrOutOfRange", err)
	}
	var st Status
	if err := st.UnmarshalText([]byte("late")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Status.UnmarshalText(late) = %v, want ErrOutOfRange", err)
	}
}

// TestPlanJSON checks that a plan survives JSON (dates in RFC 3339, enums
// by name) and is still accepted by Check.
func TestPlanJSON(t *testing.T) {
	p, err := NewPlan(PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6, Shape: FrontLoaded})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back); diff != "" {
		t.Errorf("plan JSON round trip mismatch (-want +got):\n%s", diff)
	}
	if _, err := Check(back, nil, nil); err != nil {
		t.Errorf("Check(decoded plan): %v", err)
	}
}
