package scenarios

import "testing"

func TestGomegaExpectationReadsExpectedAndActual(t *testing.T) {
	for _, c := range []struct{ msg, expected, actual string }{
		{"Expected\n    <int>: -101\nto equal\n    <int>: -104", "to equal -104", "-101"},
		{"retrieval of EE P1\nExpected\n    <string>: error\nto equal\n    <string>: success", "to equal success", "error"},
		{"Expected\n    <[]string | len:0, cap:0>: nil\nto have length 1", "to have length 1", "nil"},
		{"no gomega here", "", ""},
	} {
		e, a := gomegaExpectation(c.msg)
		if e != c.expected || a != c.actual {
			t.Errorf("%q: got expected %q actual %q, want %q %q", c.msg, e, a, c.expected, c.actual)
		}
	}
}
