package funnel

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestChiSquareTest(t *testing.T) {
	tests := []struct {
		name  string
		table [][]int64
		yates bool
		want  ChiSquare
	}{
		{
			// R's chisq.test documentation example (Agresti 2007, party
			// identification by gender): X-squared = 30.07, df = 2,
			// p-value = 2.954e-07. More digits by hand in exact arithmetic
			// (mpmath): 30.070149095754672, p 2.953589183e-07; the smallest
			// E is 1246·566/2757 = 246.3547.
			name:  "R chisq.test party by gender",
			table: [][]int64{{762, 327, 468}, {484, 239, 477}},
			want: ChiSquare{Stat: Some(30.070149095754672), DF: 2, P: Some(2.953589183211758e-07), Rows: 2, Cols: 3,
				Cells: 6, MinExpected: Some(246.35473340587595)},
		},
		{
			// R's prop.test documentation example (smokers of patients in
			// four groups) is the chi-square test of the 4 × 2 table:
			// X-squared = 12.6, df = 3, p-value = 0.005585.
			name:  "R prop.test smokers",
			table: [][]int64{{83, 3}, {90, 3}, {129, 7}, {70, 12}},
			want: ChiSquare{Stat: Some(12.600411297127633), DF: 3, P: Some(0.0055854766616270413), Rows: 4, Cols: 2,
				Cells: 8, MinExpected: Some(5.163727959697733)},
		},
		{
			// Fisher's tea tasting with Yates: E = 2 in every cell,
			// |O − E| = 1, Σ(1 − 0.5)²/2 = 4·0.125 = 0.5, and
			// P(χ²₁ >= 0.5) = erfc(½) = 0.4795 (R's chisq.test(TeaTasting)).
			name:  "tea tasting with Yates",
			table: [][]int64{{3, 1}, {1, 3}},
			yates: true,
			want: ChiSquare{Stat: Some(0.5), DF: 1, P: Some(math.Erfc(0.5)), Rows: 2, Cols: 2,
				Cells: 4, LowExpected: 4, MinExpected: Some(2), Yates: true},
		},
		{
			// By hand: n = 100, E = 12, 18, 28, 42, O − E = ∓2, so
			// Stat = 4/12 + 4/18 + 4/28 + 4/42 = 50/63 = 0.793651 and
			// P = erfc(√(Stat/2)).
			name:  "2 × 2 by hand",
			table: [][]int64{{10, 20}, {30, 40}},
			want: ChiSquare{Stat: Some(50.0 / 63), DF: 1, P: Some(math.Erfc(math.Sqrt(25.0 / 63))), Rows: 2, Cols: 2,
				Cells: 4, MinExpected: Some(12)},
		},
		{
			// The same with Yates: (2 − ½)² = 2.25 for 4 in the sums,
			// Stat = 50/63·2.25/4 = 25/56 = 0.446429.
			name:  "2 × 2 by hand with Yates",
			table: [][]int64{{10, 20}, {30, 40}},
			yates: true,
			want: ChiSquare{Stat: Some(25.0 / 56), DF: 1, P: Some(math.Erfc(math.Sqrt(25.0 / 112))), Rows: 2, Cols: 2,
				Cells: 4, MinExpected: Some(12), Yates: true},
		},
		{
			// |O − E| = 5 − 100/21 = 5/21 < ½, so R's correction is 5/21
			// and the statistic 0: P = 1.
			name:  "Yates correction capped at |O − E|",
			table: [][]int64{{5, 5}, {5, 6}},
			yates: true,
			want: ChiSquare{Stat: Some(0), DF: 1, P: Some(1), Rows: 2, Cols: 2,
				Cells: 4, LowExpected: 1, MinExpected: Some(100.0 / 21), Yates: true},
		},
		{
			// Yates is for 2 × 2 only: the R prop.test table is tested
			// without it.
			name:  "Yates ignored beyond 2 × 2",
			table: [][]int64{{83, 3}, {90, 3}, {129, 7}, {70, 12}},
			yates: true,
			want: ChiSquare{Stat: Some(12.600411297127633), DF: 3, P: Some(0.0055854766616270413), Rows: 4, Cols: 2,
				Cells: 8, MinExpected: Some(5.163727959697733)},
		},
		{
			// An empty column is dropped: the table tested is
			// [[10 5] [20 15]], n = 50, E = 9, 6, 21, 14, O − E = ±1:
			// Stat = 1/9 + 1/6 + 1/21 + 1/14 = 25/63.
			name:  "empty column dropped",
			table: [][]int64{{10, 0, 5}, {20, 0, 15}},
			want: ChiSquare{Stat: Some(25.0 / 63), DF: 1, P: Some(math.Erfc(math.Sqrt(25.0 / 126))), Rows: 2, Cols: 2,
				DroppedCols: []int{1}, Cells: 4, MinExpected: Some(6)},
		},
		{
			// Empty rows dropped, then Yates on the 2 × 2 left,
			// [[12 5] [7 9]]: n = 33, E11 = 17·19/33 = 9.787879, |O − E| =
			// 2.212121 each, Stat = 1.712121²·(1/9.787879 + 1/7.212121 +
			// 1/9.212121 + 1/6.787879) = 1.455996 (mpmath).
			name:  "empty rows dropped",
			table: [][]int64{{0, 0}, {12, 5}, {0, 0}, {7, 9}},
			yates: true,
			want: ChiSquare{Stat: Some(1.4559963788146838), DF: 1, P: Some(0.22756821457580981), Rows: 2, Cols: 2,
				DroppedRows: []int{0, 2}, Cells: 4, MinExpected: Some(6.7878787878787879), Yates: true},
		},
		// Tables that cannot be tested: null Stat, P and MinExpected.
		{name: "one row", table: [][]int64{{3, 4, 5}}, want: ChiSquare{Rows: 1, Cols: 3}},
		{name: "one column left", table: [][]int64{{3, 0}, {4, 0}}, want: ChiSquare{Rows: 2, Cols: 1, DroppedCols: []int{1}}},
		{name: "all zero", table: [][]int64{{0, 0}, {0, 0}}, want: ChiSquare{DroppedRows: []int{0, 1}, DroppedCols: []int{0, 1}}},
		{name: "no columns", table: [][]int64{{}, {}}, want: ChiSquare{DroppedRows: []int{0, 1}}},
		{name: "empty", table: nil, want: ChiSquare{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := cloneTable(tt.table)
			got, err := ChiSquareTest(in, &ChiSquareOptions{Yates: tt.yates})
			if err != nil {
				t.Fatalf("ChiSquareTest(%v) error: %v", tt.table, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-12, 1e-15)); diff != "" {
				t.Errorf("ChiSquareTest(%v) mismatch (-want +got):\n%s", tt.table, diff)
			}
			if diff := cmp.Diff(tt.table, in); diff != "" {
				t.Errorf("ChiSquareTest modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

// TestChiSquareWide checks a table wider than the stack buffer for column
// totals: two identical rows have statistic 0 (every O equals its E, by
// hand: E = 2·O·(n/2)/n). The E below 5 are the cells with j mod 7 < 4:
// 5 whole cycles of 7 give 20 per row and j = 35..39 four more, 48 in all.
func TestChiSquareWide(t *testing.T) {
	row := make([]int64, 40)
	for j := range row {
		row[j] = int64(j%7 + 1)
	}
	got, err := ChiSquareTest([][]int64{row, slices.Clone(row)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ChiSquare{Stat: Some(0), DF: 39, P: Some(1), Rows: 2, Cols: 40, Cells: 80, LowExpected: 48, MinExpected: Some(1)}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("ChiSquareTest(two equal rows of 40) mismatch (-want +got):\n%s", diff)
	}
}

func TestChiSquareErrors(t *testing.T) {
	big := int64(math.MaxInt64 / 2)
	tests := []struct {
		name  string
		table [][]int64
		want  error
		text  string
	}{
		{"ragged", [][]int64{{1, 2, 3}, {4, 5}}, ErrLengthMismatch, "funnel: table[1] = 2 columns: length mismatch: table[0] has 3"},
		{"negative", [][]int64{{1, 2}, {4, -5}}, ErrNegativeCount, "funnel: table[1][1] = -5: negative count"},
		{"row total overflows", [][]int64{{big, big, big}, {1, 1, 1}}, ErrOutOfRange, "funnel: table: value out of range: a row or column total passes int64"},
		// 2·big fits; the third row passes int64 in column 0 first.
		{"column total overflows", [][]int64{{big, 0}, {big, 0}, {big, 0}}, ErrOutOfRange, "funnel: table: value out of range: a row or column total passes int64"},
		// Row totals big + 1 each: the grand total passes at the second row.
		{"grand total overflows", [][]int64{{big, 1}, {1, big}, {big, 1}}, ErrOutOfRange, "funnel: table: value out of range: the grand total passes int64"},
		{"grand total of rows overflows", [][]int64{{big, 0, 0}, {0, big, 0}, {0, 0, big}}, ErrOutOfRange, "funnel: table: value out of range: the grand total passes int64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ChiSquareTest(tt.table, nil)
			if diff := cmp.Diff(tt.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("ChiSquareTest(%v) error mismatch (-want +got):\n%s", tt.table, diff)
			}
			var ie *InputError
			if !errors.As(err, &ie) || err.Error() != tt.text {
				t.Errorf("ChiSquareTest(%v) error = %q (%T), want %q", tt.table, err, err, tt.text)
			}
			if diff := cmp.Diff(ChiSquare{}, got); diff != "" {
				t.Errorf("ChiSquareTest(%v) with an error mismatch (-want +got):\n%s", tt.table, diff)
			}
		})
	}
}

func cloneTable(t [][]int64) [][]int64 {
	if t == nil {
		return nil
	}
	c := make([][]int64, len(t))
	for i, r := range t {
		c[i] = slices.Clone(r)
	}
	return c
}

// FuzzChiSquareTest checks that ChiSquareTest never panics, gives no NaN
// or Inf, keeps P in [0, 1], Stat >= 0, counts its cells, and leaves its
// input alone, on 2 × 3 tables.
func FuzzChiSquareTest(f *testing.F) {
	f.Add(int64(762), int64(327), int64(468), int64(484), int64(239), int64(477), false)
	f.Add(int64(3), int64(1), int64(0), int64(1), int64(3), int64(0), true)
	f.Add(int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), true)
	f.Add(int64(-1), int64(0), int64(0), int64(0), int64(0), int64(0), false)
	f.Add(int64(math.MaxInt64), int64(1), int64(0), int64(5), int64(0), int64(0), false)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g int64, yates bool) {
		in := [][]int64{{a, b, c}, {d, e, g}}
		before := cloneTable(in)
		cs, err := ChiSquareTest(in, &ChiSquareOptions{Yates: yates})
		if diff := cmp.Diff(before, in); diff != "" {
			t.Fatalf("input modified:\n%s", diff)
		}
		if err != nil {
			return
		}
		if cs.Rows+len(cs.DroppedRows) != 2 || cs.Cols+len(cs.DroppedCols) != 3 {
			t.Fatalf("%v: rows %d + dropped %v, cols %d + dropped %v", in, cs.Rows, cs.DroppedRows, cs.Cols, cs.DroppedCols)
		}
		if !cs.Stat.Valid {
			if cs.P.Valid || cs.MinExpected.Valid || (cs.Rows >= 2 && cs.Cols >= 2) {
				t.Fatalf("%v: untested result %+v", in, cs)
			}
			return
		}
		for _, v := range []float64{cs.Stat.Float64, cs.P.Float64, cs.MinExpected.Float64} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%v: %+v has NaN or Inf", in, cs)
			}
		}
		if cs.Stat.Float64 < 0 || cs.P.Float64 < 0 || cs.P.Float64 > 1 || cs.Cells != cs.Rows*cs.Cols || cs.DF != (cs.Rows-1)*(cs.Cols-1) {
			t.Fatalf("%v: %+v out of range", in, cs)
		}
	})
}
