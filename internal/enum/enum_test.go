package enum

import (
	"fmt"
	"testing"
)

type color int8

func (c color) String() string {
	switch c {
	case 0:
		return "red"
	case 1:
		return "green"
	}
	return fmt.Sprintf("color(%d)", int8(c))
}

func TestEnum(t *testing.T) {
	if b, ok := Text(color(0), 1); !ok || string(b) != "red" {
		t.Errorf("Text(red) = %q, %v", b, ok)
	}
	if b, ok := Text(color(1), 1); !ok || string(b) != "green" {
		t.Errorf("Text(green) = %q, %v", b, ok)
	}
	for _, c := range []color{-1, 2} {
		if _, ok := Text(c, 1); ok {
			t.Errorf("Text(%d) ok", c)
		}
	}
	if c, ok := Parse([]byte("red"), color(1)); !ok || c != 0 {
		t.Errorf("Parse(red) = %v, %v", c, ok)
	}
	if c, ok := Parse([]byte("green"), color(1)); !ok || c != 1 {
		t.Errorf("Parse(green) = %v, %v", c, ok)
	}
	if _, ok := Parse([]byte("blue"), color(1)); ok {
		t.Error("Parse(blue) ok")
	}
}
