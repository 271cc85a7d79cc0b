// Command jobsearch treats a job search as a sales funnel: outreach, reply,
// coffee meeting, interview, offer, with referrals from the conversations
// feeding the top. It reads the spreadsheet a job seeker keeps, a small
// proto-CRM, and prints what the funnel math says about it:
//
//   - the conversions: contacts reaching each stage, the naive step and the
//     resolved step (contacts still waiting for an answer are open, not
//     lost, so the resolved step leaves them out), 95% Wilson intervals and
//     the weakest step (funnel.NewTable);
//   - the outreach one offer needs at the resolved rates, exact and in whole
//     contacts (funnel.Funnel.Reverse);
//   - the referral loop: the referrals the coffee conversations produced,
//     their share r of all contacts, and the top of the funnel that direct
//     outreach makes with the loop, direct / (1 − r) (funnel.ReferralVolume);
//   - Little's law: the mean days from outreach to an offer or a no,
//     measured on the closed contacts, the initiatives the log's pace keeps
//     live and how often one resolves (funnel.LiveDeals,
//     funnel.DaysPerResolution), and the contacts a day and live initiatives
//     one offer per -offer-every days needs;
//   - warm vs cold: the deepest stage of the closed contacts by warmth, the
//     chi-square test of independence stated as significant or not at 5%,
//     with a warning when expected counts are small, the odds of reaching
//     each stage for warm contacts against cold ones (pipeline.AttributeEffect)
//     and Fisher's exact test on getting a reply (funnel.FisherExact).
//
// The program computes nothing itself beyond glue: the reading is
// funnel/crm's Long reader, the counts a funnel.Tally, and the math the
// packages' functions above; its own arithmetic is the window in days and
// the flows per 30-day month.
//
// # The spreadsheet
//
// The embedded sample, contacts.csv, is a synthetic search of 80 contacts
// from January to April 2025, one row per stage a contact reached, appended
// as things happened:
//
//	contact,company,stage,date,warmth,source,referred_by
//	C005,Ember Bank,outreach,2025-01-15,warm,direct,
//	C005,Ember Bank,reply,2025-01-21,warm,direct,
//	C013,Stone Analytics,outreach,2025-01-28,warm,referral,C005
//
// stage is one of the five stages or "no", the lost outcome: a refusal,
// or three weeks without an answer to an outreach; a contact without an
// offer or a no is still open (no reply yet, a coffee being set up, an
// interview under way). warmth is warm or cold, source referral or direct,
// and referred_by names the contact whose conversation gave the referral.
// Rows may be in any order; company and source may be left out.
//
// # Running it
//
//	go run ./examples/jobsearch                      # the embedded sample
//	go run ./examples/jobsearch -in my-search.csv    # your own spreadsheet
//	go run ./examples/jobsearch -offer-every 45      # plan for one offer in 45 days
//	go run ./examples/jobsearch -json                # the report as JSON
//	go run ./examples/jobsearch -h                   # every flag
//
// A file that cannot be read is an error naming its line, column and
// value; an unknown flag or a stray argument is an error. With -json the
// document is the report type of main.go: its counts, the funnel.Table
// (conversions), the funnel.ReverseFunnel (per_offer, null when a step has
// no conversion yet), the referral loop, Little's law and the
// pipeline.Effect of warmth, with null for a figure that does not exist.
package main
