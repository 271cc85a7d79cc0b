// Package enum is the text form of the funnelmath packages' enumerations:
// named small integers from 0 to a last value, each with a name, encoded
// in JSON and text as that name.
package enum

// Enum is an enumeration type: small integers from 0, each with a name.
type Enum interface {
	~int8
	String() string
}

// Text returns v's name, and false when v is not in [0, last].
func Text[T Enum](v, last T) ([]byte, bool) {
	if v < 0 || v > last {
		return nil, false
	}
	return []byte(v.String()), true
}

// Parse returns the value in [0, last] whose name is b, and false when no
// value has that name.
func Parse[T Enum](b []byte, last T) (T, bool) {
	for v := T(0); v <= last; v++ {
		if v.String() == string(b) {
			return v, true
		}
	}
	return 0, false
}
