package markov

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Hostile and extreme input (issue 9): every decoding failure wraps a
// sentinel and names its place, no count wraps, and no date the model
// cannot hold gets through.

// unresolvedJSON is the encoding of CountMoves(f3, unresolvedDeals()),
// worked by hand: w moves Lead → Won after 3 days, o moves Lead → Demo
// after 5 days and sits open in Demo. Lead: 2 exits (Demo 1, Won 1), both
// timed, 3 + 5 = 8 days; Demo: 1 open deal.
const unresolvedJSON = `{"funnel":["Lead","Demo","Won"],"moves":[[0,1,1],[0,0,0]],"lost":[0,0],"open":[0,1],"visit_days":[8,0],"timed_visits":[2,0],"deals":2}`

// withMember returns unresolvedJSON with the member name set to value.
func withMember(name, value string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(unresolvedJSON), &m); err != nil {
		panic(err)
	}
	m[name] = json.RawMessage(value)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// placeOf returns the place a typed error names (an InputError's Name, a
// StageError's Input) and its Op.
func placeOf(err error) (place, op string) {
	var ie *funnel.InputError
	var se *funnel.StageError
	var de *funnel.DealError
	switch {
	case errors.As(err, &ie):
		return ie.Name, ie.Op
	case errors.As(err, &se):
		return se.Input, se.Op
	case errors.As(err, &de):
		return "deal " + de.ID, de.Op
	}
	return "", ""
}

// TestDecodeBadInput walks every decoding path with bad documents: each
// failure wraps a sentinel, names its place and reads as worked out here.
// Truncated documents go to the method itself, since encoding/json checks
// a document before it calls a decoder.
func TestDecodeBadInput(t *testing.T) {
	into := func(v any, doc string) func() error { return func() error { return json.Unmarshal([]byte(doc), v) } }
	const max = "9223372036854775807"
	tests := []struct {
		name  string
		call  func() error
		is    error
		place string
		text  string
	}{
		// Transitions: the document.
		{"transitions truncated", func() error { return new(Transitions).UnmarshalJSON([]byte(`{"moves":[[0,1`)) }, funnel.ErrOutOfRange, "transitions",
			`markov.Transitions: transitions: value out of range: truncated JSON`},
		{"transitions an array", into(new(Transitions), `[1,2]`), funnel.ErrOutOfRange, "transitions",
			`markov.Transitions: transitions = array: value out of range: want a JSON object`},
		{"transitions bare NaN", func() error { return new(Transitions).UnmarshalJSON([]byte(`{"visit_days":[NaN]}`)) }, funnel.ErrOutOfRange, "transitions",
			`markov.Transitions: transitions = offset 16: value out of range: malformed JSON: invalid character 'N' looking for beginning of value`},
		// Transitions: values of the wrong type or out of range.
		{"deals a string", into(new(Transitions), withMember("deals", `"two"`)), funnel.ErrOutOfRange, "deals",
			`markov.Transitions: deals = string: value out of range: want a JSON number`},
		{"deals 1e30", into(new(Transitions), withMember("deals", `1e30`)), funnel.ErrOutOfRange, "deals",
			`markov.Transitions: deals = number 1e30: value out of range: want a JSON number`},
		{"a move 1e30", into(new(Transitions), withMember("moves", `[[0,1,1],[0,0,1e30]]`)), funnel.ErrOutOfRange, "moves[1][2]",
			`markov.Transitions: moves[1][2] = number 1e30: value out of range: want a JSON number`},
		{"a row an object", into(new(Transitions), withMember("moves", `[[0,1,1],{}]`)), funnel.ErrOutOfRange, "moves[1]",
			`markov.Transitions: moves[1] = object: value out of range: want a JSON array`},
		{"visit days NaN", into(new(Transitions), withMember("visit_days", `[8,"NaN"]`)), funnel.ErrOutOfRange, "visit_days[1]",
			`markov.Transitions: visit_days[1] = string: value out of range: want a JSON number`},
		{"timed visits 1.5", into(new(Transitions), withMember("timed_visits", `[1.5,0]`)), funnel.ErrOutOfRange, "timed_visits[0]",
			`markov.Transitions: timed_visits[0] = number 1.5: value out of range: want a JSON number`},
		{"funnel a string", into(new(Transitions), withMember("funnel", `"Lead"`)), funnel.ErrOutOfRange, "funnel",
			`markov.Transitions: funnel = string: value out of range: want a JSON array`},
		{"funnel repeats a stage", into(new(Transitions), withMember("funnel", `["Lead","Lead","Won"]`)), funnel.ErrDuplicateStage, "funnel",
			`markov.Transitions: funnel: stage "Lead" (index 1): duplicate stage name: first at index 0`},
		// Transitions no deals could give.
		{"no funnel", into(new(Transitions), `{}`), funnel.ErrEmptyFunnel, "funnel", `markov.Transitions: funnel: empty funnel`},
		{"lost of the wrong length", into(new(Transitions), withMember("lost", `[0]`)), funnel.ErrLengthMismatch, "lost",
			`markov.Transitions: lost = 1 entries: length mismatch: want one per stage before the won stage of Lead > Demo > Won, 2`},
		{"a short row", into(new(Transitions), withMember("moves", `[[0,1,1],[0,0]]`)), funnel.ErrLengthMismatch, "moves",
			`markov.Transitions: moves: stage "Demo" (index 1): length mismatch: row has 2 entries, want 3`},
		{"a negative open count", into(new(Transitions), withMember("open", `[0,-1]`)), funnel.ErrNegativeCount, "open",
			`markov.Transitions: open: stage "Demo" (index 1): negative count: -1`},
		{"negative deals", into(new(Transitions), withMember("deals", `-2`)), funnel.ErrNegativeCount, "deals",
			`markov.Transitions: deals = -2: negative count`},
		{"exits past an int64", into(new(Transitions), withMember("moves", `[[0,`+max+`,1],[0,0,0]]`)), funnel.ErrOutOfRange, "moves",
			`markov.Transitions: moves: stage "Lead" (index 0): value out of range: exits past an int64`},
		// Lead has 2 exits: 3 timed visits cannot have ended in them.
		{"more timed visits than exits", into(new(Transitions), withMember("timed_visits", `[3,0]`)), funnel.ErrCountsRise, "timed_visits",
			`markov.Transitions: timed_visits: stage "Lead" (index 0): count rises down the funnel: 3 timed visits but 2 exits`},
		{"days over no timed visit", into(new(Transitions), withMember("visit_days", `[8,4]`)), funnel.ErrCountsRise, "visit_days",
			`markov.Transitions: visit_days: stage "Demo" (index 1): count rises down the funnel: 4 days over no timed visit`},
		{"negative days", into(new(Transitions), withMember("visit_days", `[-8,0]`)), funnel.ErrNegative, "visit_days",
			`markov.Transitions: visit_days: stage "Lead" (index 0): negative value: -8 days`},
		// Matrix.
		{"matrix truncated", func() error { return new(Matrix).UnmarshalJSON([]byte(`{"p":[[0.5,`)) }, funnel.ErrOutOfRange, "matrix",
			`markov.Matrix: matrix: value out of range: truncated JSON`},
		{"matrix an array", into(new(Matrix), `[]`), funnel.ErrOutOfRange, "matrix", `markov.Matrix: matrix = array: value out of range: want a JSON object`},
		{"a probability a string", into(new(Matrix), `{"states":["a"],"absorbing":["won"],"p":[[0.5,"0.5"]]}`), funnel.ErrOutOfRange, "p[0][1]",
			`markov.Matrix: p[0][1] = string: value out of range: want a JSON number`},
		{"a state a number", into(new(Matrix), `{"states":["a",2]}`), funnel.ErrOutOfRange, "states[1]",
			`markov.Matrix: states[1] = number: value out of range: want a JSON string`},
		{"days per visit NaN", into(new(Matrix), `{"visit_days":[1,"NaN"]}`), funnel.ErrOutOfRange, "visit_days[1]",
			`markov.Matrix: visit_days[1] = string: value out of range: want a JSON number`},
		// Chain and Absorption, as a service that stores results reads them.
		{"chain truncated", func() error { return new(Chain).UnmarshalJSON([]byte(`{"results":[`)) }, funnel.ErrOutOfRange, "chain",
			`markov.Chain: chain: value out of range: truncated JSON`},
		{"chain steps a string", into(new(Chain), `{"results":[{"steps":1},{"steps":"x"}]}`), funnel.ErrOutOfRange, "results[1].steps",
			`markov.Chain: results[1].steps = string: value out of range: want a JSON number`},
		{"chain exits 1e30", into(new(Chain), `{"results":[{"exits":1e30}]}`), funnel.ErrOutOfRange, "results[0].exits",
			`markov.Chain: results[0].exits = number 1e30: value out of range: want a JSON number`},
		{"chain p an object", into(new(Chain), `{"p":{}}`), funnel.ErrOutOfRange, "p",
			`markov.Chain: p = object: value out of range: want a JSON array`},
		{"absorption an array", into(new(Absorption), `[]`), funnel.ErrOutOfRange, "absorption",
			`markov.Absorption: absorption = array: value out of range: want a JSON object`},
		{"absorption days a boolean", into(new(Absorption), `{"expected_days":[1,null,true]}`), funnel.ErrOutOfRange, "expected_days[2]",
			`markov.Absorption: expected_days[2] = bool: value out of range: want a JSON number`},
		{"absorption visits a string", into(new(Absorption), `{"visits":[[1,"x"]]}`), funnel.ErrOutOfRange, "visits[0][1]",
			`markov.Absorption: visits[0][1] = string: value out of range: want a JSON number`},
		// Nil receivers have nowhere to decode into.
		{"nil *Transitions", func() error { return (*Transitions)(nil).UnmarshalJSON([]byte(unresolvedJSON)) }, funnel.ErrNoData, "receiver",
			`markov.Transitions: receiver = nil *Transitions: no data: nowhere to decode into`},
		{"nil *Matrix", func() error { return (*Matrix)(nil).UnmarshalJSON([]byte(`{}`)) }, funnel.ErrNoData, "receiver",
			`markov.Matrix: receiver = nil *Matrix: no data: nowhere to decode into`},
		{"nil *Chain", func() error { return (*Chain)(nil).UnmarshalJSON([]byte(`{}`)) }, funnel.ErrNoData, "receiver",
			`markov.Chain: receiver = nil *Chain: no data: nowhere to decode into`},
		{"nil *Absorption", func() error { return (*Absorption)(nil).UnmarshalJSON([]byte(`{}`)) }, funnel.ErrNoData, "receiver",
			`markov.Absorption: receiver = nil *Absorption: no data: nowhere to decode into`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			place, op := placeOf(err)
			if place != tt.place {
				t.Errorf("place = %q, want %q", place, tt.place)
			}
			if want, _, _ := strings.Cut(tt.text, ":"); op != want {
				t.Errorf("Op = %q, want %q", op, want)
			}
			if diff := cmp.Diff(tt.text, err.Error()); diff != "" {
				t.Errorf("error text mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeRoundTrip: what the package writes it reads back unchanged,
// the hand-worked transitions decode to the counts of the deals, and null
// leaves a value as it was.
func TestDecodeRoundTrip(t *testing.T) {
	c, err := CountMoves(f4, funnel.Stream(handDeals()))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.Solve()
	if err != nil {
		t.Fatal(err)
	}
	m := drunkard()
	m.DaysPerVisit = []float64{1, 2, 3}
	ab, err := m.Solve()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name string
		in   any
		out  any
	}{{"transitions", c, new(Transitions)}, {"chain", ch, new(Chain)}, {"matrix", m, new(Matrix)}, {"absorption", ab, new(Absorption)}} {
		t.Run(v.name, func(t *testing.T) {
			b, err := json.Marshal(v.in)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, v.out); err != nil {
				t.Fatal(err)
			}
			// JSON writes each float64 so that it reads back exactly.
			if diff := cmp.Diff(v.in, reflectElem(v.out)); diff != "" {
				t.Errorf("%s round trip mismatch (-want +got):\n%s", v.name, diff)
			}
		})
	}
	var u Transitions
	if err := json.Unmarshal([]byte(unresolvedJSON), &u); err != nil {
		t.Fatal(err)
	}
	want, err := CountMoves(f3, funnel.Stream(unresolvedDeals()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("decoded hand-worked transitions mismatch (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`null`), &u); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("null changed the transitions (-want +got):\n%s", diff)
	}
}

// reflectElem returns *p for the pointers of TestDecodeRoundTrip.
func reflectElem(p any) any {
	switch v := p.(type) {
	case *Transitions:
		return *v
	case *Chain:
		return *v
	case *Matrix:
		return *v
	case *Absorption:
		return *v
	}
	return nil
}

// TestZeroValues: zero values and nil pointers are an error, never a nil
// dereference; Add on a nil *Transitions panicked before.
func TestZeroValues(t *testing.T) {
	deal := path("w", funnel.Won, []int{lead, won}, []int{1})
	tests := []struct {
		name string
		call func() error
		is   error
	}{
		{"Add on nil", func() error { return (*Transitions)(nil).Add(deal) }, funnel.ErrEmptyFunnel},
		{"Add on zero", func() error { return new(Transitions).Add(deal) }, funnel.ErrEmptyFunnel},
		{"Solve of zero", func() error { _, err := Transitions{}.Solve(); return err }, funnel.ErrEmptyFunnel},
		{"Merge of zero", func() error { _, err := Transitions{}.Merge(Transitions{}); return err }, funnel.ErrEmptyFunnel},
		{"Merge with zero", func() error {
			c, _ := NewTransitions(f4)
			_, err := c.Merge(Transitions{})
			return err
		}, funnel.ErrEmptyFunnel},
		{"Solve of a zero matrix", func() error { _, err := Matrix{}.Solve(); return err }, funnel.ErrEmptyFunnel},
		{"CountMoves over no funnel", func() error { _, err := CountMoves(funnel.Funnel{}, nil); return err }, funnel.ErrEmptyFunnel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.is) {
				t.Errorf("error %v, want one wrapping %v", err, tt.is)
			}
		})
	}
}

// dateAt returns midnight on 1 June of year y, in UTC.
func dateAt(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }

// TestDealDates: a deal with a date the model cannot hold is refused by
// CountMoves and Add, naming the deal and the date, whichever date it is.
func TestDealDates(t *testing.T) {
	y0, y10000 := dateAt(0), dateAt(10000)
	const outside = "zero date: outside the years 1 to 9999 or more than a day off UTC"
	tests := []struct {
		name string
		set  func(d *funnel.Deal)
		text string
	}{
		{"created", func(d *funnel.Deal) { d.Created = y0 }, `deal "x": created = 0000-06-01T00:00:00Z: ` + outside},
		{"assigned", func(d *funnel.Deal) { d.Assigned = y10000 }, `deal "x": assigned = 10000-06-01T00:00:00Z: ` + outside},
		{"expected close", func(d *funnel.Deal) { d.ExpectedClose = y10000 }, `deal "x": expected_close = 10000-06-01T00:00:00Z: ` + outside},
		{"closed", func(d *funnel.Deal) { d.Closed = y10000 }, `deal "x": closed = 10000-06-01T00:00:00Z: ` + outside},
		{"an event", func(d *funnel.Deal) { d.Events[1].At = y10000 }, `deal "x": events[1].at = 10000-06-01T00:00:00Z: ` + outside},
		{"an activity", func(d *funnel.Deal) { d.Activities = []funnel.Activity{{Kind: "call"}, {Kind: "call", At: y0}} },
			`deal "x": activities[1].at = 0000-06-01T00:00:00Z: ` + outside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := path("x", funnel.Won, []int{lead, won}, []int{1})
			d.Created = time.Time{}
			tt.set(&d)
			_, err := CountMoves(f4, funnel.Stream([]funnel.Deal{d}))
			if !errors.Is(err, funnel.ErrZeroDate) {
				t.Fatalf("CountMoves: error %v, want funnel.ErrZeroDate", err)
			}
			if diff := cmp.Diff("markov.CountMoves: "+tt.text, err.Error()); diff != "" {
				t.Errorf("CountMoves error mismatch (-want +got):\n%s", diff)
			}
			c, _ := NewTransitions(f4)
			if err := c.Add(d); err == nil || err.Error() != "markov.Add: "+tt.text {
				t.Errorf("Add: error %v, want markov.Add: %s", err, tt.text)
			}
		})
	}
}

// TestAddAtTheLimits: Add counts a deal whose counts land exactly on
// MaxInt64 and refuses, unchanged, one that would pass it. Lead → Demo →
// Lead, lost, leaves Lead twice (a move, then the loss) and Demo once; an
// open deal in Lead adds one open deal there; every deal adds one to
// Deals.
func TestAddAtTheLimits(t *testing.T) {
	const m = math.MaxInt64
	twice := path("twice", funnel.Lost, []int{lead, demo, lead}, []int{1, 1, 1})
	open := path("open", funnel.Open, []int{lead}, nil)
	won1 := path("won", funnel.Won, []int{lead, won}, []int{1})
	tests := []struct {
		name string
		set  func(c *Transitions)
		deal funnel.Deal
		ok   bool
	}{
		{"Lead's exits reach MaxInt64", func(c *Transitions) { c.Moves[lead][proposal] = m - 2 }, twice, true},
		{"Lead's exits pass MaxInt64", func(c *Transitions) { c.Moves[lead][proposal] = m - 1 }, twice, false},
		{"Demo's exits reach MaxInt64", func(c *Transitions) { c.Lost[demo] = m - 1 }, twice, true},
		{"Demo's exits pass MaxInt64", func(c *Transitions) { c.Lost[demo] = m }, twice, false},
		{"a win reaches MaxInt64 exits", func(c *Transitions) { c.Moves[lead][won] = m - 1 }, won1, true},
		{"a win passes MaxInt64 exits", func(c *Transitions) { c.Moves[lead][won] = m }, won1, false},
		{"open deals reach MaxInt64", func(c *Transitions) { c.Open[lead] = m - 1 }, open, true},
		{"open deals pass MaxInt64", func(c *Transitions) { c.Open[lead] = m }, open, false},
		// An open deal adds no exit: Lead's exits at MaxInt64 take it.
		{"an open deal adds no exit", func(c *Transitions) { c.Lost[lead] = m }, open, true},
		{"deals reach MaxInt64", func(c *Transitions) { c.Deals = m - 1 }, open, true},
		{"deals pass MaxInt64", func(c *Transitions) { c.Deals = m }, open, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := NewTransitions(f4)
			tt.set(&c)
			before, err := c.Merge(newTransitions(f4))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Add(tt.deal)
			if tt.ok {
				if err != nil {
					t.Fatalf("Add: %v", err)
				}
				if err := c.check("test"); err != nil {
					t.Errorf("Add gave bad transitions: %v", err)
				}
				return
			}
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Errorf("Add: error %v, want funnel.ErrOutOfRange", err)
			}
			if diff := cmp.Diff(before, c); diff != "" {
				t.Errorf("Add changed the transitions on error (-before +after):\n%s", diff)
			}
		})
	}
}

// TestMergeAtTheLimits: sums that land exactly on MaxInt64 (or on a
// finite float64) merge; one more is an error wrapping
// funnel.ErrOutOfRange, naming the sum. h = MaxInt64/2 = 2^62 − 1, and
// h + (h + 1) = 2^63 − 1 = MaxInt64.
func TestMergeAtTheLimits(t *testing.T) {
	const h = math.MaxInt64 / 2
	tests := []struct {
		name string
		a, b func(c *Transitions)
		want string // the sum named, "" when the merge fits
	}{
		{"moves at MaxInt64", func(c *Transitions) { c.Moves[lead][won] = h }, func(c *Transitions) { c.Moves[lead][won] = h + 1 }, ""},
		{"moves past it", func(c *Transitions) { c.Moves[lead][won] = h + 1 }, func(c *Transitions) { c.Moves[lead][won] = h + 1 }, "moves"},
		{"lost past it", func(c *Transitions) { c.Lost[demo] = h + 1 }, func(c *Transitions) { c.Lost[demo] = h + 1 }, "lost"},
		{"open at MaxInt64", func(c *Transitions) { c.Open[proposal] = h }, func(c *Transitions) { c.Open[proposal] = h + 1 }, ""},
		{"open past it", func(c *Transitions) { c.Open[proposal] = h + 1 }, func(c *Transitions) { c.Open[proposal] = h + 1 }, "open"},
		// Lead's moves (h) and lost (h + 2) each fit; its timed visits,
		// h + (h + 2) = MaxInt64 + 1, do not.
		{"timed visits past it", func(c *Transitions) { c.Moves[lead][won], c.TimedVisits[lead] = h, h },
			func(c *Transitions) { c.Lost[lead], c.TimedVisits[lead] = h+2, h+2 }, "timed_visits"},
		// Each count fits, but Lead's exits, moves h + lost h + 2, do not.
		{"exits past it", func(c *Transitions) { c.Moves[lead][won] = h }, func(c *Transitions) { c.Lost[lead] = h + 2 }, "moves"},
		{"deals at MaxInt64", func(c *Transitions) { c.Deals = h }, func(c *Transitions) { c.Deals = h + 1 }, ""},
		{"deals past it", func(c *Transitions) { c.Deals = h + 1 }, func(c *Transitions) { c.Deals = h + 1 }, "deals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newTransitions(f4), newTransitions(f4)
			tt.a(&a)
			tt.b(&b)
			got, err := a.Merge(b)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Merge at MaxInt64: %v", err)
				}
				if err := got.check("test"); err != nil {
					t.Errorf("Merge gave bad transitions: %v", err)
				}
				return
			}
			place, _ := placeOf(err)
			if !errors.Is(err, funnel.ErrOutOfRange) || place != tt.want {
				t.Errorf("Merge past MaxInt64: error %v (place %q), want funnel.ErrOutOfRange naming %q", err, place, tt.want)
			}
		})
	}
	// Days: MaxFloat64/2 twice is MaxFloat64, finite; MaxFloat64 twice is
	// infinite.
	for _, tt := range []struct {
		days float64
		ok   bool
	}{{math.MaxFloat64 / 2, true}, {math.MaxFloat64, false}} {
		a := newTransitions(f4)
		a.Moves[lead][won], a.TimedVisits[lead], a.VisitDays[lead] = 1, 1, tt.days
		got, err := a.Merge(a)
		if tt.ok != (err == nil) || tt.ok && got.VisitDays[lead] != 2*(math.MaxFloat64/2) {
			t.Errorf("Merge of %v days twice: %v, %v; want ok %v", tt.days, got.VisitDays, err, tt.ok)
		}
		if place, _ := placeOf(err); !tt.ok && place != "visit_days" {
			t.Errorf("Merge of %v days twice: error %v names %q, want visit_days", tt.days, err, place)
		}
	}
}

// TestDecodedTransitionsSolve: transitions read from JSON solve as the
// deals they were counted from do (TestUnresolvedStage worked the chain).
func TestDecodedTransitionsSolve(t *testing.T) {
	var c Transitions
	if err := json.Unmarshal([]byte(unresolvedJSON), &c); err != nil {
		t.Fatal(err)
	}
	got, err := c.Solve()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Build(f3, funnel.Stream(unresolvedDeals()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Solve of decoded transitions mismatch (-deals +decoded):\n%s", diff)
	}
}

// FuzzDecodeTransitions: any document decodes to transitions that pass
// the checks of Solve and solve without a panic, a NaN or an infinity (or
// with a documented error), or fails with a typed error of Op
// markov.Transitions wrapping a sentinel of package funnel.
func FuzzDecodeTransitions(f *testing.F) {
	f.Add([]byte(unresolvedJSON))
	f.Add([]byte(withMember("moves", `[[0,1,1],[0,0,1e30]]`)))
	f.Add([]byte(withMember("timed_visits", `[3,0]`)))
	f.Add([]byte(withMember("moves", `[[0,9223372036854775807,1],[0,0,0]]`)))
	f.Add([]byte(withMember("funnel", `["Lead","Lead","Won"]`)))
	f.Add([]byte(`{"moves":[[0,1`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Transitions
		err := c.UnmarshalJSON(b)
		if err != nil {
			if _, op := placeOf(err); op != "markov.Transitions" {
				t.Fatalf("error %T %v: want a typed error with Op markov.Transitions", err, err)
			}
			for _, s := range []error{funnel.ErrOutOfRange, funnel.ErrEmptyFunnel, funnel.ErrBlankStage, funnel.ErrDuplicateStage, funnel.ErrLengthMismatch,
				funnel.ErrNegativeCount, funnel.ErrCountsRise, funnel.ErrNegative, funnel.ErrNotFinite} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the documented sentinels", err)
		}
		if err := c.check("fuzz"); err != nil {
			t.Fatalf("decoded transitions fail the checks: %v", err)
		}
		ch, err := c.Solve()
		if err != nil {
			if !errors.Is(err, ErrNoPathToWon) && !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrNoData) && !isMalformed(err) {
				t.Fatalf("Solve: unexpected error %v", err)
			}
			return
		}
		checkChain(t, ch)
	})
}
