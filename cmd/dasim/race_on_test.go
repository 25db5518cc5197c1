//go:build race

package main

// raceDetector: the race detector slows every process about tenfold, so the
// self-test runs fewer certifications at once and waits longer.
const raceDetector = true
