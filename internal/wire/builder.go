package wire

// Builder writes a message into one growing byte slice. It has the subset
// of cryptobyte.Builder's methods the marshallers use, with the same
// meaning, but a length-prefixed field is written in place: the prefix is
// reserved, the continuation appends the contents after it, and the length
// is filled in afterwards. cryptobyte allocates a child builder for every
// length prefix (a ClientHello has over thirty); this allocates only when
// the slice grows.
//
// As with cryptobyte's BytesOrPanic, a field longer than its prefix can
// express is a programming error and panics: marshallers only ever write
// values that hush built or bounded.
type Builder struct {
	buf []byte
}

// NewBuilder returns a Builder that appends to buf (typically empty, with
// room for the expected message).
func NewBuilder(buf []byte) *Builder { return &Builder{buf: buf} }

// BytesOrPanic returns the bytes written.
func (b *Builder) BytesOrPanic() []byte { return b.buf }

// AddUint8 appends an 8-bit value.
func (b *Builder) AddUint8(v uint8) { b.buf = append(b.buf, v) }

// AddUint16 appends a big-endian 16-bit value.
func (b *Builder) AddUint16(v uint16) { b.buf = append(b.buf, byte(v>>8), byte(v)) }

// AddUint24 appends a big-endian 24-bit value.
func (b *Builder) AddUint24(v uint32) { b.buf = append(b.buf, byte(v>>16), byte(v>>8), byte(v)) }

// AddUint32 appends a big-endian 32-bit value.
func (b *Builder) AddUint32(v uint32) {
	b.buf = append(b.buf, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AddUint64 appends a big-endian 64-bit value.
func (b *Builder) AddUint64(v uint64) {
	b.buf = append(b.buf, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AddString appends the bytes of v.
func (b *Builder) AddString(v string) { b.buf = append(b.buf, v...) }

// AddBytes appends v.
func (b *Builder) AddBytes(v []byte) { b.buf = append(b.buf, v...) }

// AddUint8LengthPrefixed appends what f writes, with a 1-byte length prefix.
func (b *Builder) AddUint8LengthPrefixed(f func(*Builder)) { b.addLengthPrefixed(1, f) }

// AddUint16LengthPrefixed appends what f writes, with a 2-byte length
// prefix.
func (b *Builder) AddUint16LengthPrefixed(f func(*Builder)) { b.addLengthPrefixed(2, f) }

// AddUint24LengthPrefixed appends what f writes, with a 3-byte length
// prefix.
func (b *Builder) AddUint24LengthPrefixed(f func(*Builder)) { b.addLengthPrefixed(3, f) }

func (b *Builder) addLengthPrefixed(lenLen int, f func(*Builder)) {
	start := len(b.buf)
	b.buf = append(b.buf, 0, 0, 0)[:start+lenLen]
	f(b)
	n := len(b.buf) - start - lenLen
	if n < 0 || n >= 1<<(8*lenLen) {
		panic("wire: field too long for its length prefix")
	}
	for i := lenLen - 1; i >= 0; i-- {
		b.buf[start+i] = byte(n)
		n >>= 8
	}
}
