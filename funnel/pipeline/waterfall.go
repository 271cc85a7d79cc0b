package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// PriorState is what a caller knew of one deal at the start of a
// waterfall, from an earlier export: its outcome, amount and expected
// close then. The [funnel.Deal] model holds one amount and one expected
// close (today's), so amount changes, close dates moved in or out of a
// window and reopened deals can only be seen against a prior state; see
// [Waterfall].
type PriorState struct {
	Outcome       funnel.Outcome      `json:"outcome"`
	Amount        decimal.NullDecimal `json:"amount"`
	ExpectedClose time.Time           `json:"expected_close,omitzero"`
}

// WaterfallOptions are the optional inputs of [Waterfall]. The zero value
// means no close window and no prior states.
type WaterfallOptions struct {
	// CloseFrom and CloseTo, when both set, restrict the pipeline to deals
	// whose expected close falls in [CloseFrom, CloseTo), such as this
	// quarter's pipeline; deals with no expected close are then outside
	// it. Both zero means every open deal is in the pipeline.
	CloseFrom time.Time `json:"close_from,omitzero"`
	CloseTo   time.Time `json:"close_to,omitzero"`
	// Before maps a deal id to its state at From. A deal with a prior
	// state is taken as it says at From (open when its Outcome is Open,
	// with its Amount and ExpectedClose); a deal without one is
	// reconstructed from its history with today's amount and expected
	// close. Nil means no prior states.
	Before map[string]PriorState `json:"before,omitempty"`
}

// Bucket is one step of a waterfall: how many deals moved through it,
// their ids in input order and the money they moved, always >= 0 except in
// the amount-change bucket, whose Amount is signed. Amount is the exact
// sum rounded to cents (half to even).
type Bucket struct {
	Deals  int             `json:"deals"`
	Amount decimal.Decimal `json:"amount"`
	IDs    []string        `json:"ids"`
}

func (b *Bucket) add(id string, a decimal.Decimal) {
	b.Deals++
	b.Amount = b.Amount.Add(a)
	b.IDs = append(b.IDs, id)
}

// WaterfallReport is the movement of the open pipeline between two dates.
// It balances, in deals and in money, exactly on the figures it reports:
//
//	End.Deals  = Start.Deals + Created + Reopened + PulledIn − Won − Lost − PushedOut
//	End.Amount = Start.Amount + Created + Reopened + PulledIn − Won − Lost − PushedOut + AmountChange + Rounding
//
// where the buckets stand for their Deals in the first line and their
// Amount in the second; [WaterfallReport.Net] sums them. AmountChange moves
// money only: its Deals counts the deals whose amount changed.
//
// Money is summed exactly and each reported amount (Start, End and every
// bucket) is that exact sum rounded to cents, half to even. The exact sums
// balance without a remainder; the rounded ones do too whenever every
// amount is in whole cents, as CRM amounts are, and Rounding is then 0.
// With amounts finer than a cent (converted currencies, say) the rounded
// figures may miss by a few cents, and Rounding holds that difference, at
// most 4 cents (nine figures each off by at most half a cent), rather than
// hiding it in a bucket that did not move it.
type WaterfallReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Start and End are the pipeline at From and at To.
	Start PipelineValue `json:"start"`
	End   PipelineValue `json:"end"`
	// Buckets that add to the pipeline, with the deal's amount at To.
	Created  Bucket `json:"created"`
	Reopened Bucket `json:"reopened"`
	PulledIn Bucket `json:"pulled_in"`
	// Buckets that take from the pipeline, with the deal's amount at From.
	Won       Bucket `json:"won"`
	Lost      Bucket `json:"lost"`
	PushedOut Bucket `json:"pushed_out"`
	// AmountChange holds, for deals in the pipeline at both dates, the
	// amount at To minus the amount at From (a missing amount counts 0).
	AmountChange Bucket `json:"amount_change"`
	// Carried counts the deals in the pipeline at both dates, with or
	// without an amount change.
	Carried int `json:"carried"`
	// CreatedAndClosed lists, apart from the balance, the deals that
	// started and closed inside the period, with their amount at To: they
	// are in neither Start nor End.
	CreatedAndClosed Bucket `json:"created_and_closed"`
	// Rounding is what rounding to cents left over: End.Amount minus
	// Start.Amount and the buckets' net. It is 0 when every amount is in
	// whole cents.
	Rounding decimal.Decimal `json:"rounding"`
	// NoExpectedClose counts the deals open at To left out of a windowed
	// pipeline because they have no expected close; 0 without a window.
	NoExpectedClose int `json:"no_expected_close"`
	// Undated counts the deals left out because they cannot be placed in
	// time (see [HealthReport]).
	Undated int `json:"undated"`
}

// Net returns the signed sum of the buckets in deals and in money (with
// the Rounding remainder), so that Start + Net = End exactly.
func (w WaterfallReport) Net() (deals int, amount decimal.Decimal) {
	deals = w.Created.Deals + w.Reopened.Deals + w.PulledIn.Deals - w.Won.Deals - w.Lost.Deals - w.PushedOut.Deals
	amount = w.Created.Amount.Add(w.Reopened.Amount).Add(w.PulledIn.Amount).
		Sub(w.Won.Amount).Sub(w.Lost.Amount).Sub(w.PushedOut.Amount).
		Add(w.AmountChange.Amount).Add(w.Rounding)
	return deals, amount
}

// Waterfall explains the open pipeline at to from the one at from:
//
//	start + created + reopened + pulled in − won − lost − pushed out (+ amount changes) = end
//
// in deals and in money. A deal is in the pipeline at a date when it is
// open then (see [Health]) and, with a close window, its expected close
// then is in the window. Changes are those in the period (from, to]. Each
// deal whose pipeline membership changed lands in exactly one bucket, by
// this precedence:
//
//	in at from, in at to:   carried; a change of amount goes to AmountChange
//	in at from, out at to:  Won if won by to, else Lost if lost by to,
//	                        else PushedOut (still open, expected close now outside the window)
//	out at from, in at to:  Created if it started after from,
//	                        else Reopened if a prior state shows it closed at from,
//	                        else PulledIn (open at from, expected close then outside the window)
//	out at from, out at to: nothing; listed in CreatedAndClosed when it started and closed in the period
//
// A leaving deal takes its amount at from with it and an arriving deal
// brings its amount at to, so every deal's change of money sits in the one
// bucket that holds it.
//
// What the deal model can show: it keeps one amount, one expected close and
// one final outcome per deal. Without opt.Before, the amount and the
// expected close at from are today's, so AmountChange, PulledIn and
// PushedOut are always empty and no deal can be seen reopened (a reopened
// deal's loss is not in its history); with prior states, those buckets
// show what changed against them. The figures at to are always the deal's
// current ones, so for a past to they are today's amount and close date.
//
// It returns a *[funnel.InputError] with Op "pipeline.Waterfall" wrapping
// [funnel.ErrZeroDate] (a missing date, or one the model cannot hold, a
// prior state's expected close included) or [funnel.ErrDateOrder] (an end
// not after its start) for the dates or the close window; one wrapping [ErrPriorState]
// for a prior state of an unknown deal or of a deal that started after
// from, [funnel.ErrOutOfRange] for an outcome out of range and
// [funnel.ErrNegativeAmount] or [funnel.ErrOutOfRange] for a bad amount; a
// *[funnel.DealError] wrapping [funnel.ErrDuplicateDeal], or an invalid
// deal's *[funnel.DealError] with that Op. No deals give an empty,
// balanced report. The deals and the options are not modified.
func Waterfall(f funnel.Funnel, deals []funnel.Deal, from, to time.Time, opt WaterfallOptions) (WaterfallReport, error) {
	const fn = "Waterfall"
	if err := checkRange(fn, "from", "to", from, to); err != nil {
		return WaterfallReport{}, err
	}
	window := !opt.CloseFrom.IsZero() || !opt.CloseTo.IsZero()
	if window {
		if err := checkRange(fn, "CloseFrom", "CloseTo", opt.CloseFrom, opt.CloseTo); err != nil {
			return WaterfallReport{}, err
		}
	}
	if err := checkDeals(fn, f, deals); err != nil {
		return WaterfallReport{}, err
	}
	if err := checkPriorStates(fn, deals, opt.Before, from); err != nil {
		return WaterfallReport{}, err
	}
	inWindow := func(ec time.Time) bool {
		return !window || (!ec.IsZero() && !ec.Before(opt.CloseFrom) && ec.Before(opt.CloseTo))
	}
	w := WaterfallReport{From: from, To: to}
	for _, b := range []*Bucket{&w.Created, &w.Reopened, &w.PulledIn, &w.Won, &w.Lost, &w.PushedOut, &w.AmountChange, &w.CreatedAndClosed} {
		b.IDs = []string{}
	}
	for i := range deals {
		d := &deals[i]
		tl, ok := place(d)
		if !ok {
			w.Undated++
			continue
		}
		// State at from.
		openA, amtA, ecA := tl.openAt(from), d.Amount, d.ExpectedClose
		prior, hasPrior := opt.Before[d.ID]
		if hasPrior {
			openA, amtA, ecA = prior.Outcome == funnel.Open, prior.Amount, prior.ExpectedClose
		}
		// State at to.
		openB := tl.openAt(to)
		inA := openA && inWindow(ecA)
		inB := openB && inWindow(d.ExpectedClose)
		if window && openB && d.ExpectedClose.IsZero() {
			w.NoExpectedClose++
		}
		if inA {
			w.Start.add(amtA)
		}
		if inB {
			w.End.add(d.Amount)
		}
		a, b := known(amtA), known(d.Amount)
		switch {
		case inA && inB:
			w.Carried++
			if !a.Equal(b) || amtA.Valid != d.Amount.Valid {
				w.AmountChange.add(d.ID, b.Sub(a))
			}
		case inA:
			switch {
			case tl.closedBy(to) && d.Outcome == funnel.Won:
				w.Won.add(d.ID, a)
			case tl.closedBy(to):
				w.Lost.add(d.ID, a)
			default:
				w.PushedOut.add(d.ID, a)
			}
		case inB:
			switch {
			case tl.start.After(from):
				w.Created.add(d.ID, b)
			case hasPrior && prior.Outcome != funnel.Open:
				w.Reopened.add(d.ID, b)
			default:
				w.PulledIn.add(d.ID, b)
			}
		default:
			if tl.start.After(from) && tl.closedBy(to) {
				w.CreatedAndClosed.add(d.ID, b)
			}
		}
	}
	w.round()
	return w, nil
}

// round rounds every amount of the report, summed exactly, to cents, and
// sets Rounding to what the rounded figures leave over.
func (w *WaterfallReport) round() {
	for _, a := range []*decimal.Decimal{&w.Start.Amount, &w.End.Amount, &w.Created.Amount, &w.Reopened.Amount, &w.PulledIn.Amount,
		&w.Won.Amount, &w.Lost.Amount, &w.PushedOut.Amount, &w.AmountChange.Amount, &w.CreatedAndClosed.Amount} {
		*a = dec.Cents(*a)
	}
	w.Rounding = decimal.Decimal{}
	_, net := w.Net()
	w.Rounding = w.End.Amount.Sub(w.Start.Amount).Sub(net)
}

// known returns the amount, or zero when it is missing.
func known(a decimal.NullDecimal) decimal.Decimal {
	if a.Valid {
		return a.Decimal
	}
	return decimal.Decimal{}
}

// checkPriorStates rejects a prior state of a deal that is not among the
// deals or that started after from, and one with a bad outcome, amount or
// expected close.
// The first failure in the order of the ids is reported.
func checkPriorStates(fn string, deals []funnel.Deal, prior map[string]PriorState, from time.Time) error {
	if len(prior) == 0 {
		return nil
	}
	byID := make(map[string]*funnel.Deal, len(deals))
	for i := range deals {
		byID[deals[i].ID] = &deals[i]
	}
	for _, id := range slices.Sorted(maps.Keys(prior)) {
		s := prior[id]
		name := "Before[" + strconv.Quote(id) + "]"
		d, ok := byID[id]
		if !ok {
			return &funnel.InputError{Op: op(fn), Name: name, Err: fmt.Errorf("%w: no deal with this id", ErrPriorState)}
		}
		if s.Outcome < funnel.Open || s.Outcome > funnel.Lost {
			return &funnel.InputError{Op: op(fn), Name: name + ".Outcome", Value: strconv.Itoa(int(s.Outcome)), Err: funnel.ErrOutOfRange}
		}
		if s.Amount.Valid {
			// The reason names the value, as coefficient and exponent when
			// it is out of range: 1e-2147483647 in full would be two
			// billion digits.
			if err := funnel.AmountReason(s.Amount.Decimal); err != nil {
				return &funnel.InputError{Op: op(fn), Name: name + ".Amount", Err: err}
			}
		}
		if err := checkOptionalDate(fn, name+".ExpectedClose", s.ExpectedClose); err != nil {
			return err
		}
		if st := d.Start(); !st.IsZero() && st.After(from) {
			return &funnel.InputError{Op: op(fn), Name: name, Err: fmt.Errorf("%w: deal started %s, after from %s", ErrPriorState, dateString(st), dateString(from))}
		}
	}
	return nil
}
