// Command recruiting works the domino chain of a recruiter's year with
// package domino: DMs sent, prequalification calls, qualification calls,
// profiles marketed, interview requests and placements, at a fee per
// placement.
//
// It prints, from the year-one counts:
//
//   - the chain, each step's rate with its counts and the weakest step
//     (funnel.NewTable, domino.ChainOf);
//   - "10% better at each step": the DMs and each of the five rates moved
//     together (domino.Uniform), the levers the package counted and the
//     compounding, (1 + 10%)^6 = 1.771561 on those six, and what the fee,
//     the chain's seventh lever, would add;
//   - the year-two plan: the uniform gain on the same six levers that
//     reaches a revenue growth target, the new rate and volume at every
//     step, the rates capped at 100% (domino.Inverse), and the same with
//     the DMs held, where the caps bound the growth;
//   - the tornado, each lever alone moved ±10% and each rate ±5 points
//     (domino.TornadoOf), and the domino (domino.FindDomino).
//
// The program computes nothing itself: every figure comes from packages
// funnel and domino.
//
// Run it with the worked case's numbers, or your own:
//
//	go run ./examples/recruiting
//	go run ./examples/recruiting -counts 3000,420,200,100,40,15 -fee 22000 -growth 0.3
//	go run ./examples/recruiting -h
package main
