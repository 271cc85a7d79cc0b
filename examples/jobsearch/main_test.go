package main

// Worked by hand: for 1 offer at 1/4 interviews, 1/0.25 = 4 interviews;
// 4/0.4 = 10 coffees; 10/0.5 = 20 replies; 20/0.2 = 100 messages (exactly
// 1/(0.2·0.5·0.4·0.25) = 100). Little's law: throughput = live / days open
// = 6/30 a day, one every 5 days. Referral loop: 30/(1 − 0.25) = 40.
func Example_main() {
	main()
	// Output:
	// For one offer:
	//   outreach   100
	//   reply       20
	//   coffee      10
	//   interview    4
	//   offer        1
	// Six live initiatives on a 30-day cycle: one resolves every 5 days
	// 30 messages a month with a 25% referral loop: 40 a month in all
}
