// Package key builds the map keys of groups of deals from their attribute
// values, so that every package that groups deals (funnel's Tally,
// velocity's measures) keys a tuple of values the same way.
//
// Each value is written with its length in front, so that no value can run
// into the next: the tuples ("x\x1fy", "") and ("x", "y\x1f") get different
// keys, as do ("ab", "c") and ("a", "bc"). Any bytes may appear in a value.
package key

import "strconv"

// Append appends the key of one value to buf and returns the extended
// buffer: the decimal length of v, a colon and v.
func Append(buf []byte, v string) []byte {
	buf = strconv.AppendInt(buf, int64(len(v)), 10)
	buf = append(buf, ':')
	return append(buf, v...)
}

// Of returns the key of the tuple of values.
func Of(values ...string) string {
	var buf []byte
	for _, v := range values {
		buf = Append(buf, v)
	}
	return string(buf)
}
