package wire

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

// TestBuilderMatchesCryptobyte writes the same nested structure with
// Builder and with cryptobyte.Builder.
func TestBuilderMatchesCryptobyte(t *testing.T) {
	payload := bytes.Repeat([]byte{0xab}, 300)
	var c cryptobyte.Builder
	c.AddUint8(1)
	c.AddUint16(0x0203)
	c.AddUint24(0x040506)
	c.AddUint32(0x0708090a)
	c.AddUint64(0x0b0c0d0e0f101112)
	c.AddUint24LengthPrefixed(func(c *cryptobyte.Builder) {
		c.AddUint16LengthPrefixed(func(c *cryptobyte.Builder) {
			c.AddUint8LengthPrefixed(func(c *cryptobyte.Builder) { c.AddBytes([]byte("abc")) })
			c.AddUint8LengthPrefixed(func(*cryptobyte.Builder) {})
			c.AddBytes(payload)
		})
		c.AddBytes([]byte("tail"))
	})
	want := c.BytesOrPanic()

	b := NewBuilder(make([]byte, 0, 4)) // small, so it grows mid-prefix
	b.AddUint8(1)
	b.AddUint16(0x0203)
	b.AddUint24(0x040506)
	b.AddUint32(0x0708090a)
	b.AddUint64(0x0b0c0d0e0f101112)
	b.AddUint24LengthPrefixed(func(b *Builder) {
		b.AddUint16LengthPrefixed(func(b *Builder) {
			b.AddUint8LengthPrefixed(func(b *Builder) { b.AddString("abc") })
			b.AddUint8LengthPrefixed(func(*Builder) {})
			b.AddBytes(payload)
		})
		b.AddBytes([]byte("tail"))
	})
	if got := b.BytesOrPanic(); !bytes.Equal(got, want) {
		t.Fatalf("Builder wrote\n%x\ncryptobyte wrote\n%x", got, want)
	}
}

func TestBuilderOverflowPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("256 bytes under a uint8 length did not panic")
		}
	}()
	NewBuilder(nil).AddUint8LengthPrefixed(func(b *Builder) { b.AddBytes(make([]byte, 256)) })
}

func TestExtensionsBlockOmittedWhenEmpty(t *testing.T) {
	b := NewBuilder(nil)
	b.AddUint8(7)
	addExtensionsBlock(b, true, func(*Builder) {})
	addExtensionsBlock(b, false, func(*Builder) {})
	if got := b.BytesOrPanic(); !bytes.Equal(got, []byte{7, 0, 0}) {
		t.Fatalf("got %x, want 070000", got)
	}
}
