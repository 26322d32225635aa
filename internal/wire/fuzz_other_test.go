package wire

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// Native fuzz targets for the messages after the hellos and for the
// Reassembler. Each parser target checks that errors carry an alert, that
// parsing does not modify its input, and that parse(marshal(parse(x))) is
// stable; where the encoding is canonical, that marshal(parse(x)) == x.

// checkErrOther fails unless err carries an alert and a "hush: " message.
func checkErrOther(t *testing.T, err error) {
	t.Helper()
	if _, ok := alert.Of(err); !ok {
		t.Fatalf("error %v carries no alert", err)
	}
	if !strings.HasPrefix(err.Error(), "hush: ") {
		t.Fatalf("error %q does not begin with \"hush: \"", err)
	}
}

// fuzzRoundTripOther is the body of the parser fuzz targets.
func fuzzRoundTripOther[T any](t *testing.T, data []byte, exact bool, parse func([]byte) (*T, error), marshal func(*T) []byte) {
	in := append([]byte{}, data...)
	m, err := parse(in)
	if !bytes.Equal(in, data) {
		t.Fatal("parser modified its input")
	}
	if err != nil {
		checkErrOther(t, err)
		return
	}
	if raw := reflect.ValueOf(m).Elem().FieldByName("Raw"); !bytes.Equal(raw.Bytes(), data) {
		t.Fatal("Raw is not the input")
	}
	carryExtrasOther(m)
	b1 := marshal(m)
	if exact && !bytes.Equal(b1, data) {
		t.Fatalf("marshal(parse(x)) != x:\n got %x\nwant %x", b1, data)
	}
	m2, err := parse(b1)
	if err != nil {
		t.Fatalf("re-parse of %x: %v", b1, err)
	}
	if !typedEqualOther(m, m2) {
		t.Fatalf("re-parse changed the message:\n got %+v\nwant %+v", m2, m)
	}
	carryExtrasOther(m2)
	if b2 := marshal(m2); !bytes.Equal(b1, b2) {
		t.Fatalf("marshal not stable:\n%x\n%x", b1, b2)
	}
}

// addSeedsOther adds the marshalled vectors and a few extra inputs.
func addSeedsOther[T any](f *testing.F, vectors []*T, marshal func(*T) []byte, extra ...[]byte) {
	for _, v := range vectors {
		b := marshal(v)
		f.Add(b)
		if len(b) > HeaderLen+1 {
			f.Add(hdrOther(HandshakeType(b[0]), b[HeaderLen:len(b)-1])) // truncated body
		}
	}
	for _, e := range extra {
		f.Add(e)
	}
}

func FuzzParseCertificate13(f *testing.F) {
	addSeedsOther(f, certificate13VectorsOther(), (*Certificate13).Marshal,
		rfc8448.S3Certificate, rfc8448.S6ClientCertificate,
		hdrOther(TypeCertificate, bOther(0, 0, 0, 14, 0, 0, 1, 0x30, 0, 8, 0, 18, 0, 4, 0, 2, 0, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, false, ParseCertificate13, (*Certificate13).Marshal)
	})
}

func FuzzParseCertificate12(f *testing.F) {
	addSeedsOther(f, certificate12VectorsOther(), (*Certificate12).Marshal)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseCertificate12, (*Certificate12).Marshal)
	})
}

func FuzzParseCertificateRequest13(f *testing.F) {
	addSeedsOther(f, certificateRequest13VectorsOther(), (*CertificateRequest13).Marshal,
		rfc8448.S6CertificateRequest)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, false, ParseCertificateRequest13, (*CertificateRequest13).Marshal)
	})
}

func FuzzParseCertificateRequest12(f *testing.F) {
	addSeedsOther(f, certificateRequest12VectorsOther(), (*CertificateRequest12).Marshal)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseCertificateRequest12, (*CertificateRequest12).Marshal)
	})
}

func FuzzParseCertificateVerify(f *testing.F) {
	addSeedsOther(f, certificateVerifyVectorsOther(), (*CertificateVerify).Marshal,
		rfc8448.S3CertificateVerify, rfc8448.S6ClientCertificateVerify)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseCertificateVerify, (*CertificateVerify).Marshal)
	})
}

func FuzzParseFinished(f *testing.F) {
	addSeedsOther(f, finishedVectorsOther(), (*Finished).Marshal,
		rfc8448.S3ServerFinished, rfc8448.S3ClientFinished)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseFinished, (*Finished).Marshal)
	})
}

func FuzzParseKeyUpdate(f *testing.F) {
	addSeedsOther(f, keyUpdateVectorsOther(), (*KeyUpdate).Marshal, hdrOther(TypeKeyUpdate, bOther(2)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseKeyUpdate, (*KeyUpdate).Marshal)
	})
}

func FuzzParseNewSessionTicket13(f *testing.F) {
	addSeedsOther(f, newSessionTicket13VectorsOther(), (*NewSessionTicket13).Marshal,
		rfc8448.S3NewSessionTicket)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, false, ParseNewSessionTicket13, (*NewSessionTicket13).Marshal)
	})
}

func FuzzParseNewSessionTicket12(f *testing.F) {
	addSeedsOther(f, newSessionTicket12VectorsOther(), (*NewSessionTicket12).Marshal)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseNewSessionTicket12, (*NewSessionTicket12).Marshal)
	})
}

func FuzzParseServerKeyExchange(f *testing.F) {
	addSeedsOther(f, serverKeyExchangeVectorsOther(), (*ServerKeyExchangeECDHE).Marshal,
		hdrOther(TypeServerKeyExchange, bOther(1, 0, 29, 1, 1, 8, 4, 0, 0)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseServerKeyExchangeECDHE, (*ServerKeyExchangeECDHE).Marshal)
		if m, err := ParseServerKeyExchangeECDHE(data); err == nil {
			if !bytes.Equal(m.Params, ServerECDHEParams(m.Group, m.PublicKey)) {
				t.Fatalf("Params %x disagree with Group and PublicKey", m.Params)
			}
		}
	})
}

func FuzzParseClientKeyExchange(f *testing.F) {
	addSeedsOther(f, clientKeyExchangeVectorsOther(), (*ClientKeyExchange).Marshal)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseClientKeyExchange, (*ClientKeyExchange).Marshal)
		m, err := ParseClientKeyExchange(data)
		if err != nil {
			return
		}
		// The body decoders must not panic, must carry alerts, and must
		// round-trip through the constructors.
		if pub, err := m.ECDHEPublic(); err != nil {
			checkErrOther(t, err)
		} else if !bytes.Equal(NewClientKeyExchangeECDHE(pub).Body, m.Body) {
			t.Fatal("ECDHE body does not round-trip")
		}
		if ct, err := m.RSAEncryptedPremaster(); err != nil {
			checkErrOther(t, err)
		} else if !bytes.Equal(NewClientKeyExchangeRSA(ct).Body, m.Body) {
			t.Fatal("RSA body does not round-trip")
		}
	})
}

func FuzzParseCertificateStatus(f *testing.F) {
	addSeedsOther(f, certificateStatusVectorsOther(), (*CertificateStatus).Marshal,
		hdrOther(TypeCertificateStatus, bOther(2, 0, 0, 1, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTripOther(t, data, true, ParseCertificateStatus, (*CertificateStatus).Marshal)
	})
}

// FuzzReassembler feeds a stream to a Reassembler in fragments whose sizes
// come from cuts, and compares what comes out with a straightforward
// sequential reading of the stream.
func FuzzReassembler(f *testing.F) {
	stream := joinOther(streamOther())
	f.Add(stream, []byte{1, 2, 3, 0, 200}, uint16(1<<14))
	f.Add(stream, []byte{255}, uint16(100))
	f.Add(stream, []byte{}, uint16(0))
	f.Add([]byte{11, 0xff, 0xff, 0xff, 1}, []byte{2, 2, 2}, uint16(10))
	f.Add(append(MarshalServerHelloDone(), 20, 0, 0), []byte{0, 1}, uint16(64))
	f.Fuzz(func(t *testing.T, stream, cuts []byte, max uint16) {
		// Reference: whole messages in order, then either an oversize
		// header (error) or a partial tail.
		var want [][]byte
		pos, tooBig := 0, false
		for pos+HeaderLen <= len(stream) {
			n := int(stream[pos+1])<<16 | int(stream[pos+2])<<8 | int(stream[pos+3])
			if n > int(max) {
				tooBig = true
				break
			}
			if pos+HeaderLen+n > len(stream) {
				break
			}
			want = append(want, stream[pos:pos+HeaderLen+n])
			pos += HeaderLen + n
		}

		r := NewReassembler(int(max))
		var got [][]byte
		var werr error
		rest, i := stream, 0
		for len(rest) > 0 || i < len(cuts) {
			size := len(rest)
			if i < len(cuts) {
				size = min(int(cuts[i]), len(rest))
				i++
			}
			werr = r.Write(rest[:size])
			rest = rest[size:]
			got = append(got, drainOther(r)...)
			if werr != nil {
				break
			}
		}
		if tooBig != (werr != nil) {
			t.Fatalf("oversize %v, Write error %v", tooBig, werr)
		}
		if werr != nil {
			checkErrOther(t, werr)
		}
		equalMsgsOther(t, got, want)
		if werr == nil && r.Buffered() != len(stream)-pos {
			t.Fatalf("Buffered() = %d, want %d", r.Buffered(), len(stream)-pos)
		}
		// Stability: the messages written back in one piece come out the
		// same.
		r2 := NewReassembler(int(max))
		if err := r2.Write(joinOther(got)); err != nil {
			t.Fatal(err)
		}
		equalMsgsOther(t, drainOther(r2), got)
	})
}
