// Package kex implements the TLS key-exchange groups (RFC 8446,
// Section 4.2.7; RFC 8422, Section 5.1.1): X25519 and the NIST curves
// through crypto/ecdh, and the hybrid X25519MLKEM768
// (draft-ietf-tls-ecdhe-mlkem) through crypto/mlkem.
//
// The initiator (a TLS 1.3 client, or a TLS 1.2 server sending
// ServerKeyExchange) calls GenerateKey, sends PublicKey and later calls
// SharedSecret with the peer's share. The responder (a TLS 1.3 server, or a
// TLS 1.2 client) calls Encapsulate with the peer's share, sends the
// returned share and keeps the secret. Every invalid peer share is an
// illegal_parameter error.
package kex

import (
	"crypto/ecdh"
	"crypto/mlkem"
	"errors"
	"fmt"
	"io"

	"github.com/hushtls/hush/internal/alert"
)

// NamedGroup values (RFC 8446, Section 4.2.7; IANA TLS Supported Groups).
const (
	X25519         uint16 = 0x001d
	P256           uint16 = 0x0017
	P384           uint16 = 0x0018
	P521           uint16 = 0x0019
	X25519MLKEM768 uint16 = 0x11ec
)

// Sizes of the key shares on the wire.
const (
	x25519Len = 32
	// mlkemClientShareLen is an ML-KEM-768 encapsulation key followed by
	// an X25519 public key.
	mlkemClientShareLen = mlkem.EncapsulationKeySize768 + x25519Len
	// mlkemServerShareLen is an ML-KEM-768 ciphertext followed by an
	// X25519 public key.
	mlkemServerShareLen = mlkem.CiphertextSize768 + x25519Len
)

// Supported reports whether group is implemented by this package.
func Supported(group uint16) bool {
	switch group {
	case X25519, P256, P384, P521, X25519MLKEM768:
		return true
	}
	return false
}

// Name returns the IANA name of group, or "0x...." if unknown.
func Name(group uint16) string {
	switch group {
	case X25519:
		return "x25519"
	case P256:
		return "secp256r1"
	case P384:
		return "secp384r1"
	case P521:
		return "secp521r1"
	case X25519MLKEM768:
		return "X25519MLKEM768"
	}
	return fmt.Sprintf("0x%04x", group)
}

// curve returns the crypto/ecdh curve of an ECDH group.
func curve(group uint16) (ecdh.Curve, bool) {
	switch group {
	case X25519:
		return ecdh.X25519(), true
	case P256:
		return ecdh.P256(), true
	case P384:
		return ecdh.P384(), true
	case P521:
		return ecdh.P521(), true
	}
	return nil, false
}

// pointLen returns the length of an uncompressed point on a NIST curve.
func pointLen(group uint16) int {
	switch group {
	case P256:
		return 1 + 2*32
	case P384:
		return 1 + 2*48
	case P521:
		return 1 + 2*66
	}
	return x25519Len
}

// PrivateKey is one side's ephemeral key for a group.
type PrivateKey struct {
	group uint16
	ecdh  *ecdh.PrivateKey           // X25519 part for the hybrid
	mlkem *mlkem.DecapsulationKey768 // only for X25519MLKEM768
	share []byte
}

// GenerateKey generates an ephemeral key for group. For X25519 the 32-byte
// scalar is read from rand, so an injected reader reproduces test vectors;
// the NIST curves and ML-KEM use crypto/ecdh and crypto/mlkem, which may
// ignore rand.
func GenerateKey(group uint16, rand io.Reader) (*PrivateKey, error) {
	switch group {
	case X25519:
		return generateX25519(rand)
	case P256, P384, P521:
		c, _ := curve(group)
		k, err := c.GenerateKey(rand)
		if err != nil {
			return nil, fmt.Errorf("hush: generating %s key: %w", Name(group), err)
		}
		return &PrivateKey{group: group, ecdh: k, share: k.PublicKey().Bytes()}, nil
	case X25519MLKEM768:
		dk, err := mlkem.GenerateKey768()
		if err != nil {
			return nil, fmt.Errorf("hush: generating ML-KEM-768 key: %w", err)
		}
		x, err := generateX25519(rand)
		if err != nil {
			return nil, err
		}
		share := make([]byte, 0, mlkemClientShareLen)
		share = append(share, dk.EncapsulationKey().Bytes()...)
		share = append(share, x.share...)
		return &PrivateKey{group: group, ecdh: x.ecdh, mlkem: dk, share: share}, nil
	}
	return nil, fmt.Errorf("hush: unsupported key exchange group %s", Name(group))
}

// generateX25519 reads a scalar from rand.
func generateX25519(rand io.Reader) (*PrivateKey, error) {
	var scalar [x25519Len]byte
	if _, err := io.ReadFull(rand, scalar[:]); err != nil {
		return nil, fmt.Errorf("hush: generating x25519 key: %w", err)
	}
	return NewX25519PrivateKey(scalar[:])
}

// NewX25519PrivateKey returns the X25519 key with the given 32-byte scalar,
// for test vectors.
func NewX25519PrivateKey(priv []byte) (*PrivateKey, error) {
	k, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("hush: x25519 private key: %w", err)
	}
	return &PrivateKey{group: X25519, ecdh: k, share: k.PublicKey().Bytes()}, nil
}

// Group returns the key's NamedGroup.
func (k *PrivateKey) Group() uint16 { return k.group }

// PublicKey returns the key_share bytes: 32 bytes for X25519, the
// uncompressed point for the NIST curves, and for X25519MLKEM768 the
// ML-KEM-768 encapsulation key followed by the X25519 public key.
func (k *PrivateKey) PublicKey() []byte { return k.share }

// SharedSecret completes the exchange with the peer's share: ECDH for the
// curves, and for X25519MLKEM768 the peer's ML-KEM ciphertext followed by
// its X25519 public key, giving the ML-KEM shared secret followed by the
// X25519 one.
func (k *PrivateKey) SharedSecret(peerShare []byte) ([]byte, error) {
	if k.group != X25519MLKEM768 {
		return ecdhSecret(k.group, k.ecdh, peerShare)
	}
	// draft-ietf-tls-ecdhe-mlkem, Section 3: the server's share is the
	// ML-KEM ciphertext followed by the X25519 share; a client MUST abort
	// with illegal_parameter if it is not exactly that long.
	if len(peerShare) != mlkemServerShareLen {
		return nil, alert.New(alert.IllegalParameter, "X25519MLKEM768 server share of %d bytes, want %d", len(peerShare), mlkemServerShareLen)
	}
	ct, xpub := peerShare[:mlkem.CiphertextSize768], peerShare[mlkem.CiphertextSize768:]
	mss, err := k.mlkem.Decapsulate(ct)
	if err != nil {
		return nil, alert.Wrap(alert.IllegalParameter, fmt.Errorf("hush: ML-KEM decapsulation: %w", err))
	}
	xss, err := ecdhSecret(X25519, k.ecdh, xpub)
	if err != nil {
		return nil, err
	}
	return append(mss, xss...), nil
}

// Encapsulate answers the peer's share: it validates peerShare, generates
// this side's ephemeral key and returns this side's share and the shared
// secret. For X25519MLKEM768 the returned share is the ML-KEM ciphertext
// followed by an X25519 public key.
func Encapsulate(group uint16, rand io.Reader, peerShare []byte) (share, secret []byte, err error) {
	switch group {
	case X25519, P256, P384, P521:
		// Validate before spending a key generation on it.
		if err := checkECDHShare(group, peerShare); err != nil {
			return nil, nil, err
		}
		k, err := GenerateKey(group, rand)
		if err != nil {
			return nil, nil, err
		}
		secret, err := k.SharedSecret(peerShare)
		if err != nil {
			return nil, nil, err
		}
		return k.share, secret, nil
	case X25519MLKEM768:
		// draft-ietf-tls-ecdhe-mlkem, Section 3: the client's share is
		// the encapsulation key followed by the X25519 share; a server
		// MUST abort with illegal_parameter if the length is wrong or the
		// encapsulation key check of FIPS 203 fails.
		if len(peerShare) != mlkemClientShareLen {
			return nil, nil, alert.New(alert.IllegalParameter, "X25519MLKEM768 client share of %d bytes, want %d", len(peerShare), mlkemClientShareLen)
		}
		ek, err := mlkem.NewEncapsulationKey768(peerShare[:mlkem.EncapsulationKeySize768])
		if err != nil {
			return nil, nil, alert.Wrap(alert.IllegalParameter, fmt.Errorf("hush: ML-KEM-768 encapsulation key: %w", err))
		}
		xpub := peerShare[mlkem.EncapsulationKeySize768:]
		x, err := generateX25519(rand)
		if err != nil {
			return nil, nil, err
		}
		xss, err := ecdhSecret(X25519, x.ecdh, xpub)
		if err != nil {
			return nil, nil, err
		}
		mss, ct := ek.Encapsulate()
		share = make([]byte, 0, mlkemServerShareLen)
		share = append(append(share, ct...), x.share...)
		return share, append(mss, xss...), nil
	}
	return nil, nil, alert.New(alert.IllegalParameter, "unsupported key exchange group %s", Name(group))
}

// checkECDHShare checks the encoding of an ECDH share.
func checkECDHShare(group uint16, share []byte) error {
	if want := pointLen(group); len(share) != want {
		return alert.New(alert.IllegalParameter, "%s key share of %d bytes, want %d", Name(group), len(share), want)
	}
	// RFC 8446, Section 4.2.8.2: the NIST-curve key_exchange is an
	// UncheckedRepresentation with legacy_form = 4; RFC 8422, Section
	// 5.1.2: implementations "MUST NOT support other formats for curves
	// defined in this specification".
	if group != X25519 && share[0] != 4 {
		return alert.New(alert.IllegalParameter, "%s key share is not an uncompressed point", Name(group))
	}
	return nil
}

// ecdhSecret runs ECDH between priv and the peer's share.
func ecdhSecret(group uint16, priv *ecdh.PrivateKey, peerShare []byte) ([]byte, error) {
	if err := checkECDHShare(group, peerShare); err != nil {
		return nil, err
	}
	c, ok := curve(group)
	if !ok || priv == nil {
		return nil, errors.New("hush: kex: key does not match group")
	}
	pub, err := c.NewPublicKey(peerShare)
	if err != nil {
		// RFC 8446, Section 4.2.8.2: "For the curves secp256r1,
		// secp384r1, and secp521r1, peers MUST validate each other's
		// public value Q by ensuring that the point is a valid point on
		// the elliptic curve."
		return nil, alert.Wrap(alert.IllegalParameter, fmt.Errorf("hush: invalid %s key share: %w", Name(group), err))
	}
	ss, err := priv.ECDH(pub)
	if err != nil {
		// RFC 8446, Section 7.4.2: "Implementations MUST check whether
		// the computed Diffie-Hellman shared secret is the all-zero value
		// and abort if so".
		return nil, alert.Wrap(alert.IllegalParameter, fmt.Errorf("hush: %s key exchange: %w", Name(group), err))
	}
	return ss, nil
}
