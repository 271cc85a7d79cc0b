package funnel

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestNew(t *testing.T) {
	in := []string{"lead", "qualified", "won"}
	f, err := New(in...)
	if err != nil {
		t.Fatalf("New(%q): %v", in, err)
	}
	if diff := cmp.Diff(in, f.Stages()); diff != "" {
		t.Errorf("Stages() mismatch (-want +got):\n%s", diff)
	}
	if f.Len() != 3 || f.Last() != 2 || f.Stage(1) != "qualified" {
		t.Errorf("Len, Last, Stage(1) = %d, %d, %q; want 3, 2, qualified", f.Len(), f.Last(), f.Stage(1))
	}
	if got, want := f.String(), "lead > qualified > won"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	// New copies its input and Stages returns a copy: neither change
	// reaches the funnel.
	in[0] = "changed"
	st := f.Stages()
	st[1] = "changed"
	if got := f.Stage(0) + "," + f.Stage(1); got != "lead,qualified" {
		t.Errorf("funnel changed through a caller's slice: stages %q", f.Stages())
	}

	for _, tt := range []struct {
		name string
		i    int
		want bool
	}{{"first", 0, true}, {"last", 2, true}, {"negative", -1, false}, {"past the end", 3, false}} {
		if got := f.Has(tt.i); got != tt.want {
			t.Errorf("Has(%d) = %v, want %v (%s)", tt.i, got, tt.want, tt.name)
		}
	}

	var zero Funnel
	if zero.Len() != 0 || zero.Last() != -1 || zero.Has(0) || zero.String() != "" {
		t.Errorf("zero Funnel: Len %d, Last %d, Has(0) %v, String %q", zero.Len(), zero.Last(), zero.Has(0), zero.String())
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name   string
		stages []string
		want   error
		index  int
		text   string
	}{
		{"empty", nil, ErrEmptyFunnel, -1, `funnel: empty funnel`},
		{"blank", []string{"lead", ""}, ErrBlankStage, 1, `funnel: stage (index 1): blank stage name`},
		{"white space", []string{" \t", "won"}, ErrBlankStage, 0, `funnel: stage " \t" (index 0): blank stage name`},
		{"duplicate", []string{"lead", "meeting", "lead"}, ErrDuplicateStage, 2, `funnel: stage "lead" (index 2): duplicate stage name: first at index 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := New(tt.stages...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("New(%q) error = %v, want %v", tt.stages, err, tt.want)
			}
			var se *StageError
			if !errors.As(err, &se) || se.Index != tt.index {
				t.Errorf("New(%q) error %#v, want a *StageError at index %d", tt.stages, err, tt.index)
			}
			if err.Error() != tt.text {
				t.Errorf("error text = %q, want %q", err, tt.text)
			}
			if f.Len() != 0 {
				t.Errorf("New(%q) = %v with an error, want the zero Funnel", tt.stages, f)
			}
		})
	}
}

func TestMustNewPanics(t *testing.T) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, ErrDuplicateStage) {
			t.Errorf("MustNew(a, a) panicked with %v, want an error wrapping ErrDuplicateStage", r)
		}
	}()
	MustNew("a", "a")
}

func TestIndex(t *testing.T) {
	f := MustNew("lead", "qualified", "won")
	for _, tt := range []struct {
		name string
		want int
	}{{"lead", 0}, {"won", 2}} {
		if got, err := f.Index(tt.name); err != nil || got != tt.want {
			t.Errorf("Index(%q) = %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
	// Names match exactly: case and spaces count.
	for _, name := range []string{"Won", "won ", "", "signed"} {
		got, err := f.Index(name)
		var se *StageError
		if got != -1 || !errors.Is(err, ErrUnknownStage) || !errors.As(err, &se) || se.Stage != name {
			t.Errorf("Index(%q) = %d, %v; want -1 and a *StageError naming it wrapping ErrUnknownStage", name, got, err)
		}
	}
}

func TestEqual(t *testing.T) {
	a := MustNew("a", "b")
	for _, tt := range []struct {
		g    Funnel
		want bool
	}{
		{MustNew("a", "b"), true},
		{MustNew("b", "a"), false},
		{MustNew("a"), false},
		{MustNew("a", "b", "c"), false},
		{Funnel{}, false},
	} {
		if got := a.Equal(tt.g); got != tt.want {
			t.Errorf("%v.Equal(%v) = %v, want %v", a, tt.g, got, tt.want)
		}
	}
	if !(Funnel{}).Equal(Funnel{}) {
		t.Errorf("zero Funnels are not Equal")
	}
}

func TestFunnelJSON(t *testing.T) {
	f := MustNew("lead", "qualified", "meeting", "proposal", "won")
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `["lead","qualified","meeting","proposal","won"]`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back Funnel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if !back.Equal(f) {
		t.Errorf("round trip = %v, want %v", back, f)
	}

	// Inside a struct, by value and by pointer.
	type wrap struct {
		F Funnel  `json:"f"`
		P *Funnel `json:"p"`
	}
	b, err = json.Marshal(wrap{F: f, P: &f})
	if err != nil {
		t.Fatal(err)
	}
	var w wrap
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if !w.F.Equal(f) || w.P == nil || !w.P.Equal(f) {
		t.Errorf("struct round trip of %s = %+v", b, w)
	}

	// The zero Funnel encodes as null and null decodes to it, so a struct
	// holding a zero Funnel reads back its own JSON.
	if b, err := json.Marshal(Funnel{}); err != nil || string(b) != "null" {
		t.Errorf("Marshal(Funnel{}) = %s, %v; want null", b, err)
	}
	var zero wrap
	if b, err := json.Marshal(zero); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &zero); err != nil || zero.F.Len() != 0 || zero.P != nil {
		t.Errorf("round trip of a zero Funnel through %s = %+v, %v", b, zero, err)
	}

	// Decoding applies the checks of New.
	for _, tt := range []struct {
		in   string
		want error
	}{
		{`["a","a"]`, ErrDuplicateStage},
		{`["a",""]`, ErrBlankStage},
		{`[]`, ErrEmptyFunnel},
	} {
		var g Funnel
		if err := json.Unmarshal([]byte(tt.in), &g); !errors.Is(err, tt.want) {
			t.Errorf("Unmarshal(%s) error = %v, want %v", tt.in, err, tt.want)
		}
	}
	// Malformed documents are errors of the module's family, naming the
	// input, not encoding/json's.
	// (json.Unmarshal checks a document's syntax before it calls the
	// method, so the method is called directly here.)
	var g Funnel
	for _, in := range []string{`["a",`, `{"a":1}`, `[1,2]`, `"a"`} {
		err := g.UnmarshalJSON([]byte(in))
		var ie *InputError
		if !errors.Is(err, ErrOutOfRange) || !errors.As(err, &ie) || ie.Name != "funnel" {
			t.Errorf("Unmarshal(%s) error = %v, want a *InputError naming funnel wrapping ErrOutOfRange", in, err)
		}
	}
}

// FuzzNew checks that New never panics, and that a funnel it returns has
// the given stages, no blank or duplicate name, and survives JSON.
func FuzzNew(f *testing.F) {
	f.Add("lead|qualified|won")
	f.Add("a|a")
	f.Add("")
	f.Add("a| |b")
	f.Add("won")
	f.Add("\x00|\xff|é")
	f.Fuzz(func(t *testing.T, joined string) {
		stages := strings.Split(joined, "|")
		if joined == "" {
			stages = nil
		}
		in := slices.Clone(stages)
		fn, err := New(stages...)
		if !slices.Equal(in, stages) {
			t.Fatalf("New modified its input: %q became %q", in, stages)
		}
		if err != nil {
			var se *StageError
			if !errors.As(err, &se) {
				t.Fatalf("New(%q) error %T is not a *StageError", stages, err)
			}
			if !errors.Is(err, ErrEmptyFunnel) && !errors.Is(err, ErrBlankStage) && !errors.Is(err, ErrDuplicateStage) {
				t.Errorf("New(%q) error %v wraps no documented sentinel", stages, err)
			}
			return
		}
		if !slices.Equal(fn.Stages(), stages) {
			t.Errorf("New(%q).Stages() = %q", stages, fn.Stages())
		}
		seen := map[string]bool{}
		for i, s := range fn.Stages() {
			if strings.TrimSpace(s) == "" || seen[s] {
				t.Errorf("New(%q) accepted blank or duplicate stage %q", stages, s)
			}
			seen[s] = true
			if j, err := fn.Index(s); err != nil || j != i {
				t.Errorf("Index(%q) = %d, %v; want %d", s, j, err, i)
			}
		}
		b, err := json.Marshal(fn)
		if err != nil {
			t.Fatalf("Marshal(%q): %v", stages, err)
		}
		var back Funnel
		if err := json.Unmarshal(b, &back); err != nil {
			// JSON replaces invalid UTF-8 with U+FFFD, which can make two
			// names equal; only valid UTF-8 must round-trip.
			if utf8Valid(stages) {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			return
		}
		if utf8Valid(stages) && !back.Equal(fn) {
			t.Errorf("JSON round trip of %q = %q", stages, back.Stages())
		}
	})
}

// utf8Valid reports whether every string is valid UTF-8.
func utf8Valid(ss []string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func TestNewRate(t *testing.T) {
	tests := []struct {
		name    string
		k, n    int64
		want    Rate
		value   float64
		defined bool
		str     string
		err     error
	}{
		// 6/20 = 0.3 exactly as a float64 quotient.
		{"6 of 20", 6, 20, Rate{6, 20}, 0.3, true, "6/20 (30.0%)", nil},
		{"all", 7, 7, Rate{7, 7}, 1, true, "7/7 (100.0%)", nil},
		{"none", 0, 9, Rate{0, 9}, 0, true, "0/9 (0.0%)", nil},
		// No trials: value 0 by definition, not Defined.
		{"no trials", 0, 0, Rate{0, 0}, 0, false, "0/0", nil},
		// 1/3 = 33.3% to one decimal.
		{"third", 1, 3, Rate{1, 3}, 1.0 / 3, true, "1/3 (33.3%)", nil},
		{"k > n", 5, 4, Rate{}, 0, false, "", ErrKExceedsN},
		{"negative k", -1, 4, Rate{}, 0, false, "", ErrNegativeCount},
		{"negative n", 0, -4, Rate{}, 0, false, "", ErrNegativeCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewRate(tt.k, tt.n)
			if !errors.Is(err, tt.err) {
				t.Fatalf("NewRate(%d, %d) error = %v, want %v", tt.k, tt.n, err, tt.err)
			}
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Errorf("NewRate(%d, %d) error %T is not a *InputError", tt.k, tt.n, err)
				}
			}
			if got != tt.want {
				t.Errorf("NewRate(%d, %d) = %v, want %v", tt.k, tt.n, got, tt.want)
			}
			if err != nil {
				return
			}
			if got.Value() != tt.value || got.Defined() != tt.defined || got.String() != tt.str {
				t.Errorf("%v: Value, Defined, String = %v, %v, %q; want %v, %v, %q",
					got, got.Value(), got.Defined(), got.String(), tt.value, tt.defined, tt.str)
			}
		})
	}
	// A Rate built without NewRate is still safe to read: Value of an
	// invalid 0 of −1 is 0, not a division by a negative.
	if v := (Rate{K: 0, N: -1}).Value(); v != 0 {
		t.Errorf("Rate{0, -1}.Value() = %v, want 0", v)
	}
	if _, err := NewRate(5, 4); err == nil || err.Error() != "funnel: k = 5 of 4: successes exceed trials" {
		t.Errorf("NewRate(5, 4) error text = %v", err)
	}
}

func TestRateJSON(t *testing.T) {
	// A rate carries its counts and its value; with no trials the value is
	// null, never 0 or NaN.
	for _, tt := range []struct {
		r    Rate
		want string
	}{
		{Rate{6, 20}, `{"k":6,"n":20,"value":0.3}`},
		{Rate{0, 0}, `{"k":0,"n":0,"value":null}`},
		{Rate{3, 3}, `{"k":3,"n":3,"value":1}`},
	} {
		b, err := json.Marshal(tt.r)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.r, b, err, tt.want)
		}
		var back Rate
		if err := json.Unmarshal(b, &back); err != nil || back != tt.r {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	for _, tt := range []struct {
		in   string
		want error
	}{
		{`{"k":7,"n":6}`, ErrKExceedsN},
		{`{"k":-1,"n":6}`, ErrNegativeCount},
		{`{"k":"one","n":6}`, ErrOutOfRange},
		{`[1,2]`, ErrOutOfRange},
		{`{"k":1,"n":1e30}`, ErrOutOfRange},
	} {
		var r Rate
		if err := json.Unmarshal([]byte(tt.in), &r); !errors.Is(err, tt.want) {
			t.Errorf("Unmarshal(%s) error = %v, want %v", tt.in, err, tt.want)
		}
	}
	// Ratios likewise, and may pass 1.
	for _, tt := range []struct {
		r    Ratio
		want string
	}{
		{Ratio{42, 6}, `{"num":42,"den":6,"value":7}`},
		{Ratio{3, 0}, `{"num":3,"den":0,"value":null}`},
	} {
		b, err := json.Marshal(tt.r)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.r, b, err, tt.want)
		}
		var back Ratio
		if err := json.Unmarshal(b, &back); err != nil || back != tt.r {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	if _, err := NewRatio(-1, 2); !errors.Is(err, ErrNegativeCount) {
		t.Errorf("NewRatio(-1, 2) error = %v, want ErrNegativeCount", err)
	}
}

func TestOutcome(t *testing.T) {
	for _, tt := range []struct {
		o    Outcome
		name string
	}{{Open, "open"}, {Won, "won"}, {Lost, "lost"}} {
		b, err := tt.o.MarshalText()
		if err != nil || string(b) != tt.name || tt.o.String() != tt.name {
			t.Errorf("%d: MarshalText, String = %q, %v, %q; want %q", tt.o, b, err, tt.o.String(), tt.name)
		}
		var back Outcome
		if err := back.UnmarshalText(b); err != nil || back != tt.o {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if _, err := Outcome(7).MarshalText(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Outcome(7).MarshalText error = %v, want ErrOutOfRange", err)
	}
	if got := Outcome(7).String(); got != "Outcome(7)" {
		t.Errorf("Outcome(7).String() = %q", got)
	}
	var o Outcome
	if err := o.UnmarshalText([]byte("Won")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf(`UnmarshalText("Won") error = %v, want ErrOutOfRange (names are lower case)`, err)
	}
	if Implied.String() != "implied" || Strict.String() != "strict" || Reach(5).String() != "Reach(5)" {
		t.Errorf("Reach strings: %q %q %q", Implied, Strict, Reach(5))
	}
}

func TestActivityIsKind(t *testing.T) {
	for _, tt := range []struct {
		kind, want string
		ok         bool
	}{
		{"call", KindCall, true},
		{" Meeting\t", KindMeeting, true},
		{"EMAIL", KindEmail, true},
		{"e-mail", KindEmail, false},
		{"", KindCall, false},
	} {
		if got := (Activity{Kind: tt.kind}).IsKind(tt.want); got != tt.ok {
			t.Errorf("Activity{Kind: %q}.IsKind(%q) = %v, want %v", tt.kind, tt.want, got, tt.ok)
		}
	}
}

// coreDay is a day in 2024, UTC.
func coreDay(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC) }

func TestDealAttr(t *testing.T) {
	d := Deal{ID: "D1", Owner: "ana", Segment: "smb", Source: "web", Account: "Acme",
		Attrs: map[string]string{"region": "EU", "empty": ""}, Outcome: Lost}
	for _, tt := range []struct {
		name, want string
		has        bool
	}{
		{AttrID, "D1", true},
		{AttrOwner, "ana", true},
		{AttrSegment, "smb", true},
		{AttrSource, "web", true},
		{AttrAccount, "Acme", true},
		{AttrOutcome, "lost", true},
		{"region", "EU", true},
		{"empty", "", true},
		{"missing", "", false},
	} {
		if got := d.Attr(tt.name); got != tt.want {
			t.Errorf("Attr(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if got := d.HasAttr(tt.name); got != tt.has {
			t.Errorf("HasAttr(%q) = %v, want %v", tt.name, got, tt.has)
		}
	}
	// The deal's own fields exist even when empty; Attrs may be nil.
	if !(Deal{}).HasAttr(AttrOwner) || (Deal{}).HasAttr("region") || (Deal{}).Attr("region") != "" {
		t.Errorf("zero Deal attributes wrong")
	}
}

func TestDealStages(t *testing.T) {
	// Lead on Jan 1, proposal on Jan 5 (skipping 1 and 2), back to
	// meeting on Jan 9.
	d := Deal{ID: "D", Events: []Event{
		{Stage: 0, At: coreDay(1, 1)},
		{Stage: 3, At: coreDay(1, 5)},
		{Stage: 2, At: coreDay(1, 9)},
	}}
	if got := d.Furthest(); got != 3 {
		t.Errorf("Furthest() = %d, want 3", got)
	}
	if got := d.Current(); got != 2 {
		t.Errorf("Current() = %d, want 2 (the last event)", got)
	}
	if !d.MovedBack() {
		t.Errorf("MovedBack() = false after 3 then 2")
	}
	// Implied: every stage up to the furthest (0..3); Strict: only 0, 2, 3.
	for k, want := range []struct{ entered, implied bool }{
		{true, true}, {false, true}, {true, true}, {true, true}, {false, false},
	} {
		if got := d.Entered(k); got != want.entered {
			t.Errorf("Entered(%d) = %v, want %v", k, got, want.entered)
		}
		if got := d.Reached(k, Strict); got != want.entered {
			t.Errorf("Reached(%d, Strict) = %v, want %v", k, got, want.entered)
		}
		if got := d.Reached(k, Implied); got != want.implied {
			t.Errorf("Reached(%d, Implied) = %v, want %v", k, got, want.implied)
		}
	}
	if d.Reached(-1, Implied) {
		t.Errorf("Reached(-1, Implied) = true")
	}
	if at, ok := d.EnteredAt(3); !ok || !at.Equal(coreDay(1, 5)) {
		t.Errorf("EnteredAt(3) = %v, %v; want Jan 5", at, ok)
	}
	if at, ok := d.EnteredAt(1); ok || !at.IsZero() {
		t.Errorf("EnteredAt(1) = %v, %v; want zero, false", at, ok)
	}
	// Start: the first timed event without Created, Created with it.
	if got := d.Start(); !got.Equal(coreDay(1, 1)) {
		t.Errorf("Start() = %v, want Jan 1", got)
	}
	d2 := d
	d2.Created = coreDay(12, 30)
	if got := d2.Start(); !got.Equal(coreDay(12, 30)) {
		t.Errorf("Start() with Created = %v, want Dec 30", got)
	}
	untimed := Deal{Events: []Event{{Stage: 0}, {Stage: 1, At: coreDay(2, 2)}}}
	if got := untimed.Start(); !got.Equal(coreDay(2, 2)) {
		t.Errorf("Start() skipping an untimed event = %v, want Feb 2", got)
	}

	var none Deal
	if none.Furthest() != -1 || none.Current() != -1 || none.MovedBack() || !none.Start().IsZero() || none.Reached(0, Implied) {
		t.Errorf("a deal with no events: Furthest %d, Current %d, MovedBack %v, Start %v",
			none.Furthest(), none.Current(), none.MovedBack(), none.Start())
	}
	forward := Deal{Events: []Event{{Stage: 0}, {Stage: 1}, {Stage: 1}, {Stage: 2}}}
	if forward.MovedBack() {
		t.Errorf("MovedBack() = true for 0, 1, 1, 2")
	}
}

func TestDealValidate(t *testing.T) {
	f := MustNew("lead", "meeting", "won")
	won := Deal{ID: "W", Events: []Event{{0, coreDay(1, 1)}, {2, coreDay(1, 9)}}, Outcome: Won,
		Created: coreDay(1, 1), Closed: coreDay(1, 9), Amount: decimal.NewNullDecimal(decimal.NewFromInt(500))}
	tests := []struct {
		name string
		d    Deal
		f    Funnel
		want error // nil for a valid deal
	}{
		{"won", won, f, nil},
		{"open", Deal{ID: "O", Events: []Event{{0, coreDay(1, 1)}, {1, time.Time{}}}}, f, nil},
		{"lost", Deal{ID: "L", Events: []Event{{0, coreDay(1, 1)}}, Outcome: Lost, Closed: coreDay(1, 3)}, f, nil},
		{"untimed events", Deal{ID: "U", Events: []Event{{1, time.Time{}}, {0, time.Time{}}}}, f, nil},
		{"equal times", Deal{ID: "E", Events: []Event{{0, coreDay(1, 1)}, {1, coreDay(1, 1)}}}, f, nil},
		{"no amount", Deal{ID: "N", Outcome: Lost, Events: []Event{{1, time.Time{}}}}, f, nil},
		{"no events", Deal{ID: "X"}, f, ErrInvalidDeal},
		{"blank id", Deal{ID: "  "}, f, ErrInvalidDeal},
		{"empty funnel", Deal{ID: "X"}, Funnel{}, ErrEmptyFunnel},
		{"unknown stage", Deal{ID: "X", Events: []Event{{3, time.Time{}}}}, f, ErrUnknownStage},
		{"negative stage", Deal{ID: "X", Events: []Event{{-1, time.Time{}}}}, f, ErrUnknownStage},
		{"events out of order", Deal{ID: "X", Events: []Event{{0, coreDay(1, 5)}, {1, coreDay(1, 2)}}}, f, ErrEventOrder},
		{"out of order across an untimed event", Deal{ID: "X", Events: []Event{{0, coreDay(1, 5)}, {1, time.Time{}}, {1, coreDay(1, 2)}}}, f, ErrEventOrder},
		{"event before created", Deal{ID: "X", Created: coreDay(1, 3), Events: []Event{{0, coreDay(1, 1)}}}, f, ErrEventOrder},
		{"open at the last stage", Deal{ID: "X", Events: []Event{{2, time.Time{}}}}, f, ErrInvalidDeal},
		{"open with a closed time", Deal{ID: "X", Events: []Event{{0, time.Time{}}}, Closed: coreDay(1, 2)}, f, ErrInvalidDeal},
		{"won without the last stage", Deal{ID: "X", Outcome: Won, Events: []Event{{1, time.Time{}}}}, f, ErrInvalidDeal},
		{"lost at the last stage", Deal{ID: "X", Outcome: Lost, Events: []Event{{2, time.Time{}}}}, f, ErrWonAndLost},
		{"bad outcome", Deal{ID: "X", Events: []Event{{0, time.Time{}}}, Outcome: Outcome(9)}, f, ErrInvalidDeal},
		{"closed before the last event", Deal{ID: "X", Outcome: Lost, Events: []Event{{1, coreDay(1, 5)}}, Closed: coreDay(1, 4)}, f, ErrEventOrder},
		{"closed before created", Deal{ID: "X", Outcome: Lost, Events: []Event{{0, time.Time{}}}, Created: coreDay(1, 5), Closed: coreDay(1, 4)}, f, ErrEventOrder},
		{"negative amount", Deal{ID: "X", Events: []Event{{0, time.Time{}}}, Amount: decimal.NewNullDecimal(decimal.RequireFromString("-0.01"))}, f, ErrNegativeAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneDeal(tt.d)
			err := tt.d.Validate(tt.f)
			if tt.want == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
			} else {
				var de *DealError
				if !errors.Is(err, tt.want) || !errors.As(err, &de) || de.ID != tt.d.ID {
					t.Errorf("Validate() = %v, want a *DealError for %q wrapping %v", err, tt.d.ID, tt.want)
				}
			}
			if diff := cmp.Diff(before, tt.d, equalDecimal); diff != "" {
				t.Errorf("Validate modified the deal (-before +after):\n%s", diff)
			}
		})
	}
	err := Deal{ID: "D9", Outcome: Lost, Events: []Event{{2, time.Time{}}}}.Validate(f)
	if want := `funnel: deal "D9": deal both won and lost`; err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %q", err, want)
	}
}

// cloneDeal copies a deal with its slices and map, so that a test can tell
// whether code under test changed the original.
func cloneDeal(d Deal) Deal {
	d.Events = slices.Clone(d.Events)
	d.Activities = slices.Clone(d.Activities)
	d.Attrs = maps.Clone(d.Attrs)
	return d
}

func TestDealCloseTime(t *testing.T) {
	won := Deal{ID: "W", Outcome: Won, Events: []Event{{0, coreDay(1, 1)}, {2, coreDay(1, 9)}}}
	for _, tt := range []struct {
		name string
		d    Deal
		want time.Time
	}{
		// Won without Closed: the time it entered the last stage.
		{"won", won, coreDay(1, 9)},
		{"won with closed", func() Deal { d := won; d.Closed = coreDay(1, 10); return d }(), coreDay(1, 10)},
		{"lost", Deal{Outcome: Lost, Events: []Event{{0, coreDay(1, 1)}}, Closed: coreDay(1, 4)}, coreDay(1, 4)},
		{"lost, unknown", Deal{Outcome: Lost, Events: []Event{{0, coreDay(1, 1)}}}, time.Time{}},
		{"open", Deal{Events: []Event{{0, coreDay(1, 1)}}}, time.Time{}},
	} {
		if got := tt.d.CloseTime(); !got.Equal(tt.want) {
			t.Errorf("%s: CloseTime() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDealJSON(t *testing.T) {
	d := Deal{
		ID: "D1", Owner: "ana", Attrs: map[string]string{"region": "EU"},
		Amount:  decimal.NewNullDecimal(decimal.RequireFromString("1250.50")),
		Created: coreDay(1, 1),
		Events:  []Event{{0, coreDay(1, 1)}, {2, coreDay(1, 20)}},
		Outcome: Won, Closed: coreDay(1, 20),
		Activities: []Activity{{DealID: "D1", Kind: KindCall, At: coreDay(1, 2)}},
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{`"outcome":"won"`, `"amount":"1250.5"`, `"created":"2024-01-01T00:00:00Z"`} {
		if !strings.Contains(string(b), part) {
			t.Errorf("JSON %s lacks %s", b, part)
		}
	}
	// Zero times are left out.
	if strings.Contains(string(b), "assigned") || strings.Contains(string(b), "expected_close") {
		t.Errorf("JSON %s has zero times", b)
	}
	var back Deal
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, back, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("Deal JSON round trip mismatch (-want +got):\n%s", diff)
	}
	// A missing amount stays missing, not zero.
	var noAmount Deal
	if err := json.Unmarshal([]byte(`{"id":"X","amount":null,"events":[],"outcome":"open"}`), &noAmount); err != nil || noAmount.Amount.Valid {
		t.Errorf("null amount decoded as %v, %v; want not Valid", noAmount.Amount, err)
	}
}

// TestBadInput is the bad-input table across the core API: every kind of
// bad input returns an error that wraps its sentinel, never a panic or a
// result.
func TestBadInput(t *testing.T) {
	f := MustNew("lead", "qualified", "meeting", "proposal", "won")
	steps := []float64{0.4, 0.5, 0.3, 0.5}
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"negative count", func() error { _, err := FromReached(f, []int64{200, -80, 40, 12, 6}, nil); return err }, ErrNegativeCount},
		{"later stage above an earlier one", func() error { _, err := FromReached(f, []int64{200, 80, 40, 50, 6}, nil); return err }, ErrCountsRise},
		{"k > n", func() error { _, err := NewRate(7, 6); return err }, ErrKExceedsN},
		{"k > n in a team", func() error { _, err := Shrink([]Rate{{7, 6}}); return err }, ErrKExceedsN},
		{"NaN target", func() error { _, err := f.Reverse("won", nan, steps); return err }, ErrNotFinite},
		{"Inf rate", func() error { _, err := f.Reverse("won", 10, []float64{0.4, inf, 0.3, 0.5}); return err }, ErrNotFinite},
		{"NaN confidence", func() error { _, err := (Rate{6, 20}).Wilson(nan); return err }, ErrNotFinite},
		{"NaN cycle", func() error { _, err := ArrivalsPerDay(6, nan); return err }, ErrNotFinite},
		{"rate above 1", func() error { _, err := f.Reverse("won", 10, []float64{0.4, 1.01, 0.3, 0.5}); return err }, ErrRateRange},
		{"rate below 0", func() error {
			c, _ := FromReached(f, []int64{4, 3, 2, 1, 0}, nil)
			_, err := NewTable(f, c, &TableOptions{BenchmarkRates: []float64{-0.1, 0.5, 0.5, 0.5}})
			return err
		}, ErrRateRange},
		{"zero rate on the reverse path", func() error { _, err := f.Reverse("won", 10, []float64{0.4, 0, 0.3, 0.5}); return err }, ErrZeroRate},
		{"unknown stage", func() error { _, err := f.Reverse("closed", 10, steps); return err }, ErrUnknownStage},
		{"unknown stage index", func() error { _, err := f.Index("Won"); return err }, ErrUnknownStage},
		{"empty funnel", func() error { _, err := New(); return err }, ErrEmptyFunnel},
		{"empty funnel table", func() error { _, err := NewTable(Funnel{}, Counts{}, nil); return err }, ErrEmptyFunnel},
		{"empty funnel reverse", func() error { _, err := (Funnel{}).Reverse("won", 1, nil); return err }, ErrEmptyFunnel},
		{"duplicate-named funnel", func() error { _, err := New("lead", "won", "lead"); return err }, ErrDuplicateStage},
		{"blank name", func() error { _, err := New("lead", " ", "won"); return err }, ErrBlankStage},
		{"r = 1 in the loop", func() error { _, err := ReferralVolume(100, 1); return err }, ErrOutOfRange},
		{"r > 1 in the loop", func() error { _, err := ReferralVolume(100, 2); return err }, ErrOutOfRange},
		{"confidence 0", func() error { _, err := (Rate{6, 20}).Jeffreys(0); return err }, ErrOutOfRange},
		{"confidence 1", func() error { _, err := (Rate{6, 20}).Wilson(1); return err }, ErrOutOfRange},
		{"zero cycle", func() error { _, err := ArrivalsPerDay(6, 0); return err }, ErrOutOfRange},
		{"counts of the wrong length", func() error { _, err := FromReached(f, []int64{200, 80}, nil); return err }, ErrLengthMismatch},
		{"rates of the wrong length", func() error { _, err := f.Reverse("won", 10, steps[:2]); return err }, ErrLengthMismatch},
		{"no data to shrink", func() error { _, err := Shrink(nil); return err }, ErrNoData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}
