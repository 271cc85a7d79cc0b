package funnel

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// secs is d days in seconds.
func secs(d float64) int64 { return int64(d * secondsPerDay) }

func TestDurationsFromBins(t *testing.T) {
	tests := []struct {
		name    string
		bins    []Bin
		seconds int64
		// obs are the same observations in seconds, for the second
		// method: Durations.Add one by one.
		obs      []int64
		wantN    int64
		wantMean NullFloat64
	}{
		{name: "empty", wantMean: NullFloat64{}},
		{
			// 1.5 days in bin 1; 2 and 2.25 days in bin 2:
			// 129600 + 172800 + 194400 = 496800 s; mean 496800/3/86400 = 23/12 days.
			name: "hand-worked", bins: []Bin{{1, 1}, {2, 2}}, seconds: 496800,
			obs: []int64{secs(1.5), secs(2), secs(2.25)}, wantN: 3, wantMean: Some(23.0 / 12),
		},
		{
			// empty bins add nothing: two of exactly 3 days, 2·3·86400 = 518400 s, mean 3.
			name: "zero counts", bins: []Bin{{0, 0}, {3, 2}, {4, 0}}, seconds: 518400,
			obs: []int64{secs(3), secs(3)}, wantN: 2, wantMean: Some(3),
		},
		{
			// at the edges of their bins: 0 s in bin 0, 86399 s in bin 0,
			// 86400 s in bin 1; (0 + 86399 + 86400)/3 = 57599.67 s = 0.666663... days.
			name: "bin edges", bins: []Bin{{0, 2}, {1, 1}}, seconds: 172799,
			obs: []int64{0, 86399, 86400}, wantN: 3, wantMean: Some(172799.0 / 3 / 86400),
		},
		{
			// past the dense days (denseDays = 512) and at MaxDurationDays:
			// (700 + 100000) days, mean 50350.
			name: "sparse days", bins: []Bin{{700, 1}, {MaxDurationDays, 1}}, seconds: secs(700) + secs(MaxDurationDays),
			obs: []int64{secs(700), secs(MaxDurationDays)}, wantN: 2, wantMean: Some(50350),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.bins)
			got, err := DurationsFromBins(tt.bins, tt.seconds)
			if err != nil {
				t.Fatalf("DurationsFromBins(%v, %d) = %v", tt.bins, tt.seconds, err)
			}
			if !slices.Equal(in, tt.bins) {
				t.Errorf("DurationsFromBins modified its input: %v, was %v", tt.bins, in)
			}
			var want Durations
			for _, s := range tt.obs {
				if err := want.Add(time.Duration(s) * time.Second); err != nil {
					t.Fatal(err)
				}
			}
			if !got.Equal(want) {
				t.Errorf("DurationsFromBins(%v, %d) = %v %d %v, want %v %d %v (added one by one)", tt.bins, tt.seconds, got.Bins(), got.Seconds(), got.N(), want.Bins(), want.Seconds(), want.N())
			}
			if got.N() != tt.wantN {
				t.Errorf("N() = %d, want %d", got.N(), tt.wantN)
			}
			if diff := cmp.Diff(tt.wantMean, got.MeanDays(), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("MeanDays() mismatch (-want +got):\n%s", diff)
			}
			// No storage shared with the input.
			if len(tt.bins) > 0 {
				tt.bins[len(tt.bins)-1].Count++
				if !got.Equal(want) {
					t.Errorf("the result changed with its input")
				}
				tt.bins[len(tt.bins)-1].Count--
			}
		})
	}
}

func TestDurationsFromBinsErrors(t *testing.T) {
	tests := []struct {
		name     string
		bins     []Bin
		seconds  int64
		wantName string
		want     error
	}{
		{"negative day", []Bin{{-1, 1}}, 0, "bins[0].day", ErrOutOfRange},
		{"day past the limit", []Bin{{MaxDurationDays + 1, 1}}, secs(MaxDurationDays + 1), "bins[0].day", ErrOutOfRange},
		{"days out of order", []Bin{{3, 1}, {2, 1}}, secs(5), "bins[1].day", ErrOutOfRange},
		{"day repeated", []Bin{{2, 1}, {2, 1}}, secs(4), "bins[1].day", ErrOutOfRange},
		{"negative count", []Bin{{1, 2}, {2, -1}}, secs(2), "bins[1].count", ErrNegativeCount},
		// one in bin 2 lasts 172800 to 259199 s.
		{"seconds below the bins", []Bin{{2, 1}}, 172799, "seconds", ErrOutOfRange},
		{"seconds above the bins", []Bin{{2, 1}}, 259200, "seconds", ErrOutOfRange},
		{"negative seconds", nil, -1, "seconds", ErrOutOfRange},
		{"seconds without bins", nil, 1, "seconds", ErrOutOfRange},
		{"counts past an int64", []Bin{{0, math.MaxInt64}, {1, 1}}, 0, "bins[1].count", ErrOutOfRange},
		{"seconds past an int64", []Bin{{1, math.MaxInt64}}, math.MaxInt64, "seconds", ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DurationsFromBins(tt.bins, tt.seconds)
			if !errors.Is(err, tt.want) {
				t.Fatalf("DurationsFromBins(%v, %d) error = %v, want %v", tt.bins, tt.seconds, err, tt.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Op != "funnel.DurationsFromBins" || ie.Name != tt.wantName {
				t.Errorf("error = %#v, want a *InputError of funnel.DurationsFromBins naming %q", err, tt.wantName)
			}
			if got.N() != 0 || got.Seconds() != 0 {
				t.Errorf("on an error the result = %v, want the zero Durations", got.Bins())
			}
		})
	}
}

// handSums are the sums of [handDeals] over the whole team, worked by hand
// from the histories written beside them (stages L=0 Q=1 M=2 P=3 W=4),
// as a warehouse's GROUP BY would give them.
func handSums(t *testing.T) GroupSums {
	t.Helper()
	// won cycles, from the first event: D1 1→20 = 19 days, D3 2→15 = 13;
	// bins 13 and 19, (13 + 19)·86400 = 2764800 s.
	won, err := DurationsFromBins([]Bin{{13, 1}, {19, 1}}, 2764800)
	if err != nil {
		t.Fatal(err)
	}
	// lost cycles: D2 1→9 = 8 days, D7 3→4 = 1; (1 + 8)·86400 = 777600 s.
	lost, err := DurationsFromBins([]Bin{{1, 1}, {8, 1}}, 777600)
	if err != nil {
		t.Fatal(err)
	}
	d := decimal.NewFromInt
	return GroupSums{
		Key: []string{},
		// won D1 D3; lost D2 D7; open D4 D5 D6.
		Won: 2, Lost: 2, Open: 3,
		// furthest stages: D1 W, D2 M, D3 W, D4 M, D5 Q, D6 L, D7 L;
		// L: all 7; Q: not D6 D7 = 5; M: not D5 = 4; P, W: D1 D3.
		Reached: []int64{7, 5, 4, 2, 2},
		// open by furthest stage: D6 at L, D5 at Q, D4 at M.
		OpenAt: []int64{1, 1, 1, 0, 0},
		// lost by furthest stage: D7 at L, D2 at M.
		LostAt: []int64{1, 0, 1, 0, 0},
		// entered: L all but D5 = 6; Q D1 D2 D4 D5 = 4; M D1 D2 D3 D4 = 4; P, W D1 D3.
		Entered: []int64{6, 4, 4, 2, 2},
		// L&Q D1 D2 D4; Q&M D1 D2 D4; M&P D1 D3; P&W D1 D3.
		EnteredBoth: []int64{3, 3, 2, 2, 0},
		// D6 entered L and went no further, D5 Q, D4 M.
		StrictPending: []int64{1, 1, 1, 0, 0},
		// D1 1000, D2 500, D3 2000, D4 300, D6 100 (D5, D7 none): L 3900;
		// Q and M without D6 3800; P and W D1 + D3 3000.
		AmountReached: []decimal.Decimal{d(3900), d(3800), d(3800), d(3000), d(3000)},
		NoAmount:      2,
		WonAmount:     d(3000), WonWithAmount: 2,
		OpenAmount: d(400), OpenWithAmount: 2, // D4 300 + D6 100
		WonCycle: won, LostCycle: lost,
	}
}

func TestFromGroupSumsHandWorked(t *testing.T) {
	s := handSums(t)
	got, err := FromGroupSums(tallyFunnel, s)
	if err != nil {
		t.Fatal(err)
	}
	// The second method: the tally of the deals themselves. The GROUP BY
	// above has no time in stage nor time to win.
	want, err := mustTally(t, tallyFunnel, handDeals()).Total()
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{decimalEqual, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Counts{}, "StageTime", "WonToClose")}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("FromGroupSums(hand) mismatch with the tally (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(make([]Durations, 5), got.StageTime); diff != "" {
		t.Errorf("StageTime mismatch (-want +got):\n%s", diff)
	}
	// The figures the review's owner table reads, worked by hand: win
	// rate 2 of 4; average won (1000 + 2000)/2 = 1500; mean cycle of the
	// closed deals (19 + 13 + 8 + 1)/4 = 10.25 days.
	if r := got.WinRate(); r != (Rate{K: 2, N: 4}) {
		t.Errorf("WinRate() = %v, want 2 of 4", r)
	}
	if a := got.AvgWon(); !a.Valid || !a.Decimal.Equal(decimal.NewFromInt(1500)) {
		t.Errorf("AvgWon() = %v, want 1500", a)
	}
	closed := got.WonCycle.Clone()
	if err := closed.Merge(got.LostCycle); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Some(10.25), closed.MeanDays(), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("mean cycle mismatch (-want +got):\n%s", diff)
	}
}

// TestFromGroupSumsDefaults checks the defaults of the optional fields
// against FromReached, which takes the same counts without money.
func TestFromGroupSumsDefaults(t *testing.T) {
	f := MustNew("a", "b", "c")
	tests := []struct {
		name                  string
		reached, open, lostAt []int64
		won, lost             int64
	}{
		// 10 reached a, 6 b, 2 c; 1 open at a, 2 at b; so 10 − 6 − 1 = 3
		// lost at a, 6 − 2 − 2 = 2 at b; won 2, lost 5, open 3.
		{"10 6 2", []int64{10, 6, 2}, []int64{1, 2, 0}, []int64{3, 2, 0}, 2, 5},
		{"no deals", []int64{0, 0, 0}, []int64{0, 0, 0}, []int64{0, 0, 0}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := FromReached(f, tt.reached, tt.open)
			if err != nil {
				t.Fatal(err)
			}
			var open int64
			for _, o := range tt.open {
				open += o
			}
			got, err := FromGroupSums(f, GroupSums{
				Won: tt.won, Lost: tt.lost, Open: open,
				Reached: tt.reached, OpenAt: tt.open, LostAt: tt.lostAt,
				AmountReached: make([]decimal.Decimal, 3), NoAmount: tt.reached[0],
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, decimalEqual, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("FromGroupSums mismatch with FromReached (-want +got):\n%s", diff)
			}
		})
	}
}

// sumsOf returns the sums of c as a warehouse would give them.
func sumsOf(c Counts) GroupSums {
	return GroupSums{
		Key: c.Key, Won: c.Won, Lost: c.Lost, Open: c.Open,
		Reached: c.Reached, OpenAt: c.OpenAt, LostAt: c.LostAt, LostNoStage: c.LostNoStage,
		Entered: c.Entered, EnteredBoth: c.EnteredBoth, StrictPending: c.StrictPending,
		AmountReached: c.AmountReached, NoAmount: c.NoAmount,
		WonAmount: c.WonAmount, WonWithAmount: c.WonWithAmount, OpenAmount: c.OpenAmount, OpenWithAmount: c.OpenWithAmount,
		WonCycle: c.WonCycle, LostCycle: c.LostCycle, StageTime: c.StageTime, WonToClose: c.WonToClose,
	}
}

// TestFromGroupSumsMatchesTally checks that the counts of every group of
// real deals (skips, moves back, mid-funnel starts, deals lost with no
// stage, missing amounts) pass FromGroupSums and come back equal, the
// cycles rebuilt from their bins as a warehouse gives them.
func TestFromGroupSumsMatchesTally(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	f := MustNew("s0", "s1", "s2", "s3", "s4")
	ta := mustTally(t, f, randomDeals(r, f.Len(), 400), "owner")
	for _, c := range ta.Groups() {
		s := sumsOf(c.Clone())
		var err error
		if s.WonCycle, err = DurationsFromBins(c.WonCycle.Bins(), c.WonCycle.Seconds()); err != nil {
			t.Fatal(err)
		}
		if s.LostCycle, err = DurationsFromBins(c.LostCycle.Bins(), c.LostCycle.Seconds()); err != nil {
			t.Fatal(err)
		}
		got, err := FromGroupSums(f, s)
		if err != nil {
			t.Fatalf("FromGroupSums(group %q) = %v", c.Key, err)
		}
		if diff := cmp.Diff(c, got, decimalEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("FromGroupSums(group %q) mismatch (-want +got):\n%s", c.Key, diff)
		}
	}
}

func TestFromGroupSumsInputsUnchanged(t *testing.T) {
	s := handSums(t)
	s.StageTime = []Durations{durs(1), durs(2), {}, {}, {}}
	s.WonToClose = make([]Durations, 5)
	s.Key = []string{"a"}
	keep := sumsOf(Counts{}) // a deep copy, by the JSON encoding
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &keep); err != nil {
		t.Fatal(err)
	}
	got, err := FromGroupSums(tallyFunnel, s)
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{decimalEqual, cmpopts.EquateEmpty()}
	if diff := cmp.Diff(keep, s, opts); diff != "" {
		t.Fatalf("FromGroupSums modified its input (-was +now):\n%s", diff)
	}
	// The result shares no storage with the input.
	got.Key[0] = "x"
	got.Reached[0]++
	got.OpenAt[0]++
	got.LostAt[0]++
	got.Entered[0]++
	got.EnteredBoth[0]++
	got.StrictPending[0]++
	got.AmountReached[0] = decimal.NewFromInt(-1)
	if err := got.StageTime[0].Add(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := got.WonCycle.Add(time.Hour); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(keep, s, opts); diff != "" {
		t.Errorf("a change to the result changed the input (-was +now):\n%s", diff)
	}
}

func TestFromGroupSumsErrors(t *testing.T) {
	d := decimal.NewFromInt
	tests := []struct {
		name   string
		f      Funnel
		change func(s *GroupSums)
		// wantIn is the field named (the Input of a *StageError, the Name
		// of a *InputError), wantStage the stage's name ("" for none).
		wantIn, wantStage string
		want              error
	}{
		{"empty funnel", Funnel{}, func(*GroupSums) {}, "funnel", "", ErrEmptyFunnel},
		{"reached length", tallyFunnel, func(s *GroupSums) { s.Reached = s.Reached[:4] }, "reached", "", ErrLengthMismatch},
		{"open_at nil", tallyFunnel, func(s *GroupSums) { s.OpenAt = nil }, "open_at", "", ErrLengthMismatch},
		{"amount_reached nil", tallyFunnel, func(s *GroupSums) { s.AmountReached = nil }, "amount_reached", "", ErrLengthMismatch},
		{"strict counts partly given", tallyFunnel, func(s *GroupSums) { s.EnteredBoth = nil }, "entered_both", "", ErrLengthMismatch},
		{"strict counts length", tallyFunnel, func(s *GroupSums) { s.StrictPending = s.StrictPending[:2] }, "strict_pending", "", ErrLengthMismatch},
		{"stage_time length", tallyFunnel, func(s *GroupSums) { s.StageTime = make([]Durations, 6) }, "stage_time", "", ErrLengthMismatch},
		{"negative won", tallyFunnel, func(s *GroupSums) { s.Won = -1 }, "won", "", ErrNegativeCount},
		{"negative lost_at", tallyFunnel, func(s *GroupSums) { s.LostAt[1] = -1; s.LostAt[2] = 2 }, "lost_at", "Qualified", ErrNegativeCount},
		// Reached rises from 5 at Qualified to 6 at Meeting.
		{"reached rises", tallyFunnel, func(s *GroupSums) { s.Reached[2] = 6 }, "reached", "Meeting", ErrCountsRise},
		// The last stage's count must be Won.
		{"won and reached disagree", tallyFunnel, func(s *GroupSums) { s.Won = 3 }, "reached", "", ErrOutOfRange},
		// 1 more open at Lead and 1 fewer at Meeting: the sum of open
		// still matches, but Lead's fall 7 → 5 is 2, not 2 + 1.
		{"open by stage does not match reached", tallyFunnel, func(s *GroupSums) { s.OpenAt[0]++; s.OpenAt[2]-- }, "open_at", "Lead", ErrOutOfRange},
		{"open at the last stage", tallyFunnel, func(s *GroupSums) { s.OpenAt[4] = 1 }, "open_at", "Won", ErrOutOfRange},
		{"lost at the last stage", tallyFunnel, func(s *GroupSums) { s.LostAt[4] = 1 }, "lost_at", "Won", ErrOutOfRange},
		{"open sum", tallyFunnel, func(s *GroupSums) { s.Open = 4; s.Lost = 1 }, "open_at", "", ErrOutOfRange},
		{"lost with no stage not counted in lost", tallyFunnel, func(s *GroupSums) { s.LostNoStage = 1 }, "lost_at", "", ErrOutOfRange},
		// 2 deals stopped at Meeting (D2 lost, D4 open), so at least 2 entered it.
		{"entered below the deals stopped there", tallyFunnel, func(s *GroupSums) { s.Entered[2], s.EnteredBoth[1], s.EnteredBoth[2] = 1, 1, 1 }, "entered", "Meeting", ErrCountsRise},
		{"entered above reached", tallyFunnel, func(s *GroupSums) { s.Entered[1] = 6 }, "entered", "Qualified", ErrCountsRise},
		{"strict pending above open", tallyFunnel, func(s *GroupSums) { s.StrictPending[1] = 2 }, "strict_pending", "Qualified", ErrCountsRise},
		{"amount reached rises", tallyFunnel, func(s *GroupSums) { s.AmountReached[2] = d(3850) }, "amount_reached", "Meeting", ErrCountsRise},
		{"won amount not the last stage's", tallyFunnel, func(s *GroupSums) { s.WonAmount = d(2999) }, "won_amount", "", ErrOutOfRange},
		{"open amount above the first stage's", tallyFunnel, func(s *GroupSums) {
			s.OpenAmount = d(4000)
		}, "open_amount", "", ErrCountsRise},
		{"negative amount", tallyFunnel, func(s *GroupSums) { s.OpenAmount = d(-1) }, "open_amount", "", ErrNegativeAmount},
		{"more deals with an amount than deals", tallyFunnel, func(s *GroupSums) { s.NoAmount = 7 }, "no_amount", "", ErrCountsRise},
		{"more won cycles than won deals", tallyFunnel, func(s *GroupSums) { s.WonCycle = durs(1, 2, 3) }, "won_cycle.n", "", ErrCountsRise},
		{"deals past an int64", tallyFunnel, func(s *GroupSums) { s.Open = math.MaxInt64 }, "open", "", ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := handSums(t)
			tt.change(&s)
			got, err := FromGroupSums(tt.f, s)
			if !errors.Is(err, tt.want) {
				t.Fatalf("FromGroupSums error = %v, want %v", err, tt.want)
			}
			var se *StageError
			var ie *InputError
			switch {
			case errors.As(err, &se):
				if se.Op != "funnel.FromGroupSums" || se.Input != tt.wantIn || se.Stage != tt.wantStage {
					t.Errorf("error = %v (%#v), want op funnel.FromGroupSums, input %q, stage %q", err, se, tt.wantIn, tt.wantStage)
				}
			case errors.As(err, &ie):
				if ie.Op != "funnel.FromGroupSums" || ie.Name != tt.wantIn || tt.wantStage != "" {
					t.Errorf("error = %v (%#v), want op funnel.FromGroupSums, name %q, stage %q", err, ie, tt.wantIn, tt.wantStage)
				}
			default:
				t.Errorf("error = %#v, want a *StageError or *InputError", err)
			}
			if got.Reached != nil || got.Deals != 0 {
				t.Errorf("on an error the result = %+v, want zero Counts", got)
			}
		})
	}
}

func FuzzDurationsFromBins(f *testing.F) {
	// The table cases: hand-worked, zero counts, bin edges, out of order,
	// negative count, seconds outside the bins.
	f.Add(int64(1), int64(1), int64(2), int64(2), int64(496800))
	f.Add(int64(0), int64(0), int64(3), int64(2), int64(518400))
	f.Add(int64(0), int64(2), int64(1), int64(1), int64(172799))
	f.Add(int64(700), int64(1), int64(MaxDurationDays), int64(1), secs(700)+secs(MaxDurationDays))
	f.Add(int64(3), int64(1), int64(2), int64(1), secs(5))
	f.Add(int64(1), int64(2), int64(2), int64(-1), secs(2))
	f.Add(int64(2), int64(1), int64(3), int64(0), int64(172799))
	f.Add(int64(0), int64(math.MaxInt64), int64(1), int64(1), int64(0))
	f.Fuzz(func(t *testing.T, d0, c0, d1, c1, seconds int64) {
		if d0 != int64(int(d0)) || d1 != int64(int(d1)) {
			return
		}
		bins := []Bin{{int(d0), c0}, {int(d1), c1}}
		in := slices.Clone(bins)
		h, err := DurationsFromBins(bins, seconds)
		if !slices.Equal(in, bins) {
			t.Fatalf("input modified: %v, was %v", bins, in)
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || !(errors.Is(err, ErrOutOfRange) || errors.Is(err, ErrNegativeCount)) {
				t.Fatalf("DurationsFromBins(%v, %d) error = %#v", bins, seconds, err)
			}
			return
		}
		// N is the sum of the counts, the bins those with a count, the
		// seconds as given; the JSON round trip is exact.
		var wantBins []Bin
		var n int64
		for _, b := range bins {
			if b.Count > 0 {
				wantBins = append(wantBins, b)
				n += b.Count
			}
		}
		if h.N() != n || h.Seconds() != seconds || !slices.Equal(h.Bins(), wantBins) {
			t.Fatalf("DurationsFromBins(%v, %d) = n %d seconds %d bins %v", bins, seconds, h.N(), h.Seconds(), h.Bins())
		}
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var back Durations
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(h) {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if n == 0 {
			return
		}
		// The mean lies within the days observed.
		lo, _ := h.QuantileDays(0)
		hi, _ := h.QuantileDays(1)
		mean := h.MeanDays()
		if !finite(mean) || mean.Float64 < lo.Float64 || mean.Float64 >= hi.Float64+1 {
			t.Fatalf("mean %v outside [%v, %v+1)", mean, lo, hi)
		}
	})
}

func FuzzFromGroupSums(f *testing.F) {
	// The hand-worked case over its first three stages, as
	// (reached, open at, lost at, lost no stage, strict?, entered, amounts in cents):
	// 5 reached a, 3 b, 1 c (won); 1 open and 1 lost at a, 1 open and 1 lost at b.
	f.Add(int64(5), int64(3), int64(1), int64(1), int64(1), int64(1), int64(1), int64(0), true, int64(4), int64(3), int64(10000), int64(6000), int64(2000), int64(500), int64(1))
	f.Add(int64(5), int64(3), int64(1), int64(1), int64(1), int64(1), int64(1), int64(2), false, int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(5))
	f.Add(int64(7), int64(6), int64(6), int64(1), int64(0), int64(0), int64(0), int64(0), true, int64(7), int64(6), int64(1), int64(1), int64(1), int64(0), int64(0))
	f.Add(int64(math.MaxInt64), int64(0), int64(0), int64(1), int64(0), int64(math.MaxInt64-1), int64(0), int64(0), false, int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0))
	fn := MustNew("a", "b", "c")
	f.Fuzz(func(t *testing.T, r0, r1, r2, o0, o1, l0, l1, noStage int64, strict bool, e0, e1, a0, a1, a2, open, noAmount int64) {
		cents := func(c int64) decimal.Decimal { return decimal.New(c, -2) }
		s := GroupSums{
			Key: []string{"k"}, Won: r2, Open: o0 + o1, Lost: l0 + l1 + noStage,
			Reached: []int64{r0, r1, r2}, OpenAt: []int64{o0, o1, 0}, LostAt: []int64{l0, l1, 0}, LostNoStage: noStage,
			AmountReached: []decimal.Decimal{cents(a0), cents(a1), cents(a2)}, NoAmount: noAmount,
			WonAmount: cents(a2), WonWithAmount: min(max(r2, 0), 1), OpenAmount: cents(open), OpenWithAmount: min(max(o0+o1, 0), 1),
		}
		if !(a2 > 0) {
			s.WonWithAmount = 0
		}
		if !(open > 0) {
			s.OpenWithAmount = 0
		}
		if strict {
			s.Entered = []int64{e0, e1, r2}
			s.EnteredBoth = []int64{min(e0, e1), min(e1, r2), 0}
			s.StrictPending = []int64{min(o0, e0), min(o1, e1), 0}
		}
		c, err := FromGroupSums(fn, s)
		if err != nil {
			var se *StageError
			var ie *InputError
			if !errors.As(err, &se) && !errors.As(err, &ie) {
				t.Fatalf("error = %#v, want a *StageError or *InputError", err)
			}
			for _, want := range []error{ErrNegativeCount, ErrNegativeAmount, ErrCountsRise, ErrOutOfRange, ErrLengthMismatch} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("error = %v wraps none of the documented sentinels", err)
		}
		if err := c.Check(); err != nil {
			t.Fatalf("Check() = %v", err)
		}
		// Every deal is counted once: Won + Lost + Open, and Reached[0]
		// those with a stage.
		if c.Deals != c.Won+c.Lost+c.Open || c.Reached[0] != c.Deals-c.LostNoStage {
			t.Fatalf("deals %d, won %d lost %d open %d, reached %v", c.Deals, c.Won, c.Lost, c.Open, c.Reached)
		}
		// The table reads it: rates in [0, 1], nothing NaN or infinite.
		tb, err := NewTable(fn, c, nil)
		if err != nil {
			t.Fatalf("NewTable = %v", err)
		}
		for _, row := range tb.Stages {
			for _, r := range []Rate{row.Step, row.Resolved, row.Cumulative} {
				if v := r.Value(); !(v >= 0 && v <= 1) {
					t.Fatalf("rate %v out of [0, 1] in %+v", r, row)
				}
			}
		}
		if w := c.WinRate().Value(); !(w >= 0 && w <= 1) {
			t.Fatalf("win rate %v", w)
		}
		// Sum of one group is the group.
		tot, err := Sum(fn, []Counts{c})
		if err != nil {
			t.Fatalf("Sum = %v", err)
		}
		tot.Key = c.Key
		if diff := cmp.Diff(c, tot, decimalEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Sum of one mismatch (-want +got):\n%s", diff)
		}
	})
}
