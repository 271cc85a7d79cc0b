package pipeline

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/span"
)

// MeanDays is a mean number of days over N observations; Days is null
// when N is 0.
type MeanDays struct {
	N    int64              `json:"n"`
	Days funnel.NullFloat64 `json:"days"`
}

// DealActivity counts the touches on one deal.
type DealActivity struct {
	ID      string         `json:"id"`
	Owner   string         `json:"owner,omitempty"`
	Account string         `json:"account,omitempty"`
	Outcome funnel.Outcome `json:"outcome"`
	// Touches counts every activity; Calls, Emails and Meetings those of
	// each recognised kind ([funnel.Activity.IsKind]).
	Touches  int `json:"touches"`
	Calls    int `json:"calls"`
	Emails   int `json:"emails"`
	Meetings int `json:"meetings"`
	// FollowUps is Meetings − 1 when the deal had a meeting: the first
	// meeting is the initial one, every later one a follow-up.
	FollowUps int `json:"follow_ups"`
	// Contacts counts the distinct non-blank contacts touched.
	Contacts int `json:"contacts"`
	// FirstTouch is the earliest timed activity at or after the
	// reference time (Assigned when known, else [funnel.Deal.Start]);
	// DaysToFirstTouch is the time from the reference to it. FirstTouch is
	// zero (left out of JSON) and DaysToFirstTouch null when there is no
	// such activity or no reference.
	FirstTouch       time.Time          `json:"first_touch,omitzero"`
	DaysToFirstTouch funnel.NullFloat64 `json:"days_to_first_touch"`
}

// OwnerActivity holds the activity ratios of one owner's deals, or of all
// deals for the team.
type OwnerActivity struct {
	Owner string `json:"owner"` // "" for the team
	Deals int    `json:"deals"`
	Won   int    `json:"won"`
	Lost  int    `json:"lost"`
	Open  int    `json:"open"`
	// Touches per deal, won, lost and open deals apart:
	//
	//	TouchesPerWon = touches on won deals / won deals
	//
	// Each ratio keeps its parts; its value is null in JSON when the
	// denominator is 0 (see [funnel.Ratio]).
	TouchesPerWon  funnel.Ratio `json:"touches_per_won"`
	TouchesPerLost funnel.Ratio `json:"touches_per_lost"`
	TouchesPerOpen funnel.Ratio `json:"touches_per_open"`
	// MeetingsPerDeal = meetings / deals.
	MeetingsPerDeal funnel.Ratio `json:"meetings_per_deal"`
	// FollowUpsPerInitial = follow-up meetings / initial meetings, where
	// each deal with a meeting has one initial meeting.
	FollowUpsPerInitial funnel.Ratio `json:"follow_ups_per_initial"`
	// DaysToFirstTouch is the mean of [DealActivity.DaysToFirstTouch]
	// over the deals that have one.
	DaysToFirstTouch MeanDays `json:"days_to_first_touch"`
	// ContactsPerAccount = distinct (account, contact) pairs touched /
	// distinct accounts worked. An activity's account is its own, or its
	// deal's when blank; blank accounts and contacts are left out; an
	// account with deals but no contact touched counts with 0.
	ContactsPerAccount funnel.Ratio `json:"contacts_per_account"`
}

// ActivityReport holds the activity ratios per deal, for the team and per
// owner.
type ActivityReport struct {
	Deals []DealActivity `json:"deals"` // in input order
	Team  OwnerActivity  `json:"team"`
	// Owners holds one entry per non-blank deal owner, sorted by owner.
	// Deals with a blank owner are in Team only.
	Owners []OwnerActivity `json:"owners"`
}

// Activity measures the touches on each deal and the ratios a manager
// reads in a 1:1: touches per won and per lost deal, days from creation or
// assignment to the first touch, meetings per deal, follow-up meetings per
// initial meeting and contacts engaged per account (see [OwnerActivity] for
// each formula). Deals are grouped by their own Owner, not the activity's.
// Activities without a time count as touches but cannot be the first
// touch.
//
// The deals are validated with [funnel.Deal.Validate] (its
// *[funnel.DealError] comes back with Op "pipeline.Activity") and must
// have distinct ids (a *[funnel.DealError] wrapping
// [funnel.ErrDuplicateDeal]) and dates the model can hold (one wrapping
// [funnel.ErrZeroDate]); an empty funnel is an error wrapping
// [funnel.ErrEmptyFunnel]. No deals give an empty report with undefined
// (0 over 0) ratios. The deals are not modified.
func Activity(f funnel.Funnel, deals []funnel.Deal) (ActivityReport, error) {
	if err := checkDeals("Activity", f, deals); err != nil {
		return ActivityReport{}, err
	}
	rep := ActivityReport{Deals: make([]DealActivity, len(deals)), Owners: []OwnerActivity{}}
	team := newAcc()
	owners := map[string]*accumulator{}
	for i := range deals {
		da := dealActivity(&deals[i])
		rep.Deals[i] = da
		team.add(&deals[i], da)
		if o := deals[i].Owner; strings.TrimSpace(o) != "" {
			acc, ok := owners[o]
			if !ok {
				acc = newAcc()
				owners[o] = acc
			}
			acc.add(&deals[i], da)
		}
	}
	rep.Team = team.result("")
	for _, o := range slices.Sorted(maps.Keys(owners)) {
		rep.Owners = append(rep.Owners, owners[o].result(o))
	}
	return rep, nil
}

func dealActivity(d *funnel.Deal) DealActivity {
	da := DealActivity{ID: d.ID, Owner: d.Owner, Account: d.Account, Outcome: d.Outcome, Touches: len(d.Activities)}
	contacts := map[string]bool{}
	ref := d.Assigned
	if ref.IsZero() {
		ref = d.Start()
	}
	for _, a := range d.Activities {
		switch {
		case a.IsKind(funnel.KindCall):
			da.Calls++
		case a.IsKind(funnel.KindEmail):
			da.Emails++
		case a.IsKind(funnel.KindMeeting):
			da.Meetings++
		}
		if c := strings.TrimSpace(a.Contact); c != "" {
			contacts[c] = true
		}
		if !ref.IsZero() && !a.At.IsZero() && !a.At.Before(ref) && (da.FirstTouch.IsZero() || a.At.Before(da.FirstTouch)) {
			da.FirstTouch = a.At
		}
	}
	if da.Meetings > 0 {
		da.FollowUps = da.Meetings - 1
	}
	da.Contacts = len(contacts)
	if !da.FirstTouch.IsZero() {
		da.DaysToFirstTouch = funnel.Some(span.Days(da.FirstTouch, ref))
	}
	return da
}

// accumulator sums the activity of a group of deals. Its sums cannot
// wrap: the deal counts are at most len(deals), an int, and each touch,
// meeting or follow-up summed is an activity that dealActivity visited
// one at a time, so passing 2^63 of them would take centuries. firstDays
// sums spans of at most 10,000 years (holdable dates): finite.
type accumulator struct {
	deals, won, lost, open                   int
	touchWon, touchLost, touchOpen, meetings int64
	followUps, initials                      int64
	firstN                                   int64
	firstDays                                float64
	accounts                                 map[string]bool
	pairs                                    map[[2]string]bool
}

func newAcc() *accumulator {
	return &accumulator{accounts: map[string]bool{}, pairs: map[[2]string]bool{}}
}

func (acc *accumulator) add(d *funnel.Deal, da DealActivity) {
	acc.deals++
	switch d.Outcome {
	case funnel.Won:
		acc.won++
		acc.touchWon += int64(da.Touches)
	case funnel.Lost:
		acc.lost++
		acc.touchLost += int64(da.Touches)
	default:
		acc.open++
		acc.touchOpen += int64(da.Touches)
	}
	acc.meetings += int64(da.Meetings)
	if da.Meetings > 0 {
		acc.initials++
		acc.followUps += int64(da.FollowUps)
	}
	if da.DaysToFirstTouch.Valid {
		acc.firstN++
		acc.firstDays += da.DaysToFirstTouch.Float64
	}
	if a := strings.TrimSpace(d.Account); a != "" {
		acc.accounts[a] = true
	}
	for _, act := range d.Activities {
		a := strings.TrimSpace(act.Account)
		if a == "" {
			a = strings.TrimSpace(d.Account)
		}
		if a == "" {
			continue
		}
		acc.accounts[a] = true
		if c := strings.TrimSpace(act.Contact); c != "" {
			acc.pairs[[2]string{a, c}] = true
		}
	}
}

func (acc *accumulator) result(owner string) OwnerActivity {
	oa := OwnerActivity{
		Owner:               owner,
		Deals:               acc.deals,
		Won:                 acc.won,
		Lost:                acc.lost,
		Open:                acc.open,
		TouchesPerWon:       funnel.Ratio{Num: acc.touchWon, Den: int64(acc.won)},
		TouchesPerLost:      funnel.Ratio{Num: acc.touchLost, Den: int64(acc.lost)},
		TouchesPerOpen:      funnel.Ratio{Num: acc.touchOpen, Den: int64(acc.open)},
		MeetingsPerDeal:     funnel.Ratio{Num: acc.meetings, Den: int64(acc.deals)},
		FollowUpsPerInitial: funnel.Ratio{Num: acc.followUps, Den: acc.initials},
		DaysToFirstTouch:    MeanDays{N: acc.firstN},
		ContactsPerAccount:  funnel.Ratio{Num: int64(len(acc.pairs)), Den: int64(len(acc.accounts))},
	}
	if acc.firstN > 0 {
		oa.DaysToFirstTouch.Days = funnel.Some(acc.firstDays / float64(acc.firstN))
	}
	return oa
}
