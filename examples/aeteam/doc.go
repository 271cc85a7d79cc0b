// Command aeteam works the numbers of an account-executive team, three SMB
// reps and three enterprise reps, given as plain numbers in the program,
// with packages velocity, ratios and ratios/target.
//
// It prints:
//
//   - the four levers of every rep and the velocity V = O × W × ASP ÷ C,
//     per day and per quarter, by segment (velocity.NewLevers);
//   - a rep whose win rate fell from 25% to 20%, what each other lever
//     must make up to hold V (velocity.MakeUp), the opportunities that
//     hold it solved directly (velocity.Solve), and the fall split by
//     lever (velocity.Decompose);
//   - that rep's diagnosis against the rest of the SMB team in four areas,
//     effort, capturing interest, qualifying and closing, each gap tested
//     against noise (ratios.Diagnose of ratios.NewRepMetrics built with
//     CountMetric, DaysMetric and MoneyMetric);
//   - a meetings target for the rep's next-quarter quota asked four ways,
//     as a range with a pick (target.Measure, target.FromMeasured,
//     target.Triangulate);
//   - a performance plan from the rep's values to the rest of the team's
//     on the weak lines, with weekly checkpoints, checked against the
//     first weeks' actuals (target.NewPlan, target.Check).
//
// The program computes nothing itself beyond adding the reps' counts and
// money for a segment: every rate, test and target comes from the
// packages.
//
//	go run ./examples/aeteam
//	go run ./examples/aeteam -quota 300000 -aggressiveness 0.25 -shape front-loaded
//	go run ./examples/aeteam -h
package main
