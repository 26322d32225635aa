//go:build !race

package hush_test

const raceEnabled = false
