package main

import (
	"fmt"
	"strings"

	"github.com/wipo-das/dasim/harness"
)

// osfFault is one fault certify --role osf can inject, by its flag name.
type osfFault struct {
	name string
	set  func(*harness.OSFFaults, bool)
	on   func(harness.OSFFaults) bool
}

func osfFaults() []osfFault {
	return []osfFault{
		{"unavailable", func(f *harness.OSFFaults, v bool) { f.Unavailable = v }, func(f harness.OSFFaults) bool { return f.Unavailable }},
		{"repeat-notification", func(f *harness.OSFFaults, v bool) { f.RepeatedNotification = v }, func(f harness.OSFFaults) bool { return f.RepeatedNotification }},
		{"expired-url", func(f *harness.OSFFaults, v bool) { f.ExpiredURL = v }, func(f harness.OSFFaults) bool { return f.ExpiredURL }},
		{"wrong-checksum", func(f *harness.OSFFaults, v bool) { f.CorruptDownload = v }, func(f harness.OSFFaults) bool { return f.CorruptDownload }},
	}
}

func allOSFFaults() harness.OSFFaults {
	var f harness.OSFFaults
	for _, x := range osfFaults() {
		x.set(&f, true)
	}
	return f
}

func osfFaultNames() string {
	var names []string
	for _, x := range osfFaults() {
		names = append(names, x.name)
	}
	return strings.Join(names, ",")
}

func faultList(f harness.OSFFaults) []string {
	names := []string{}
	for _, x := range osfFaults() {
		if x.on(f) {
			names = append(names, x.name)
		}
	}
	return names
}

// osfFaultsFlag is --faults: true/all, false/none, or a comma list of names.
type osfFaultsFlag struct{ f harness.OSFFaults }

func (v *osfFaultsFlag) String() string {
	if v == nil {
		return ""
	}
	return strings.Join(faultList(v.f), ",")
}

// IsBoolFlag lets a bare --faults mean all of them.
func (v *osfFaultsFlag) IsBoolFlag() bool { return true }

func (v *osfFaultsFlag) Set(s string) error {
	switch s {
	case "true", "all":
		v.f = allOSFFaults()
		return nil
	case "false", "none":
		v.f = harness.OSFFaults{}
		return nil
	}
	v.f = harness.OSFFaults{}
	for _, name := range strings.Split(s, ",") {
		found := false
		for _, x := range osfFaults() {
			if x.name == strings.TrimSpace(name) {
				x.set(&v.f, true)
				found = true
			}
		}
		if !found {
			return fmt.Errorf("unknown fault %q: want true, false, all, none or a comma list of %s", name, osfFaultNames())
		}
	}
	return nil
}
