package record

import (
	"slices"
	"unsafe"
)

// grow extends dst by n bytes, reallocating only when its capacity is too
// small, and returns the whole slice and the n new bytes.
func grow(dst []byte, n int) (whole, tail []byte) {
	total := len(dst) + n
	if cap(dst) < total {
		dst = slices.Grow(dst, n)
	}
	whole = dst[:total]
	return whole, whole[len(dst):]
}

// sameStart reports whether two non-empty slices start at the same byte.
func sameStart(x, y []byte) bool {
	return len(x) > 0 && len(y) > 0 && unsafe.SliceData(x) == unsafe.SliceData(y)
}

// overlaps reports whether x and y share any byte of memory.
func overlaps(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(unsafe.SliceData(x))), uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	return x0 < y0+uintptr(len(y)) && y0 < x0+uintptr(len(x))
}
