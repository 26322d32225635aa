package testutil

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"testing"
)

func TestNewChainVerifies(t *testing.T) {
	for _, kind := range []KeyKind{ECDSAP256, ECDSAP384, RSA2048, Ed25519} {
		t.Run(kind.String(), func(t *testing.T) {
			c := NewChain(t, kind)
			if len(c.Certificates) != 2 {
				t.Fatalf("got %d certificates, want leaf and intermediate", len(c.Certificates))
			}
			inters := x509.NewCertPool()
			inters.AddCert(c.Intermediate)
			for _, host := range DefaultHosts {
				chains, err := c.Leaf.Verify(x509.VerifyOptions{
					DNSName:       host,
					Roots:         c.RootPool,
					Intermediates: inters,
					KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
				})
				if err != nil {
					t.Fatalf("verify for %s: %v", host, err)
				}
				if n := len(chains[0]); n != 3 {
					t.Fatalf("chain length %d, want 3", n)
				}
			}
			// Without the intermediate the leaf must not verify: the chain
			// really has three levels.
			if _, err := c.Leaf.Verify(x509.VerifyOptions{Roots: c.RootPool}); err == nil {
				t.Fatal("leaf verified without its intermediate")
			}
			if !c.Leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(c.Key.Public()) {
				t.Fatal("leaf public key does not match Key")
			}
			if NewChain(t, kind) != c {
				t.Fatal("second NewChain call was not served from the cache")
			}
			block, _ := pem.Decode(c.KeyPEM)
			if block == nil || block.Type != "PRIVATE KEY" {
				t.Fatal("KeyPEM is not a PKCS#8 PRIVATE KEY block")
			}
			if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
				t.Fatal(err)
			}
			rest := c.CertPEM
			for i := range 2 {
				block, rest = pem.Decode(rest)
				if block == nil || string(block.Bytes) != string(c.Certificates[i]) {
					t.Fatalf("CertPEM block %d does not match Certificates[%d]", i, i)
				}
			}
		})
	}
}

func TestChainsHaveDistinctRoots(t *testing.T) {
	a := NewChain(t, ECDSAP256, "a.example")
	b := NewChain(t, ECDSAP256, "b.example")
	if a.Root.Equal(b.Root) {
		t.Fatal("two NewChain calls share a root")
	}
	if _, err := b.Leaf.Verify(x509.VerifyOptions{Roots: a.RootPool, Intermediates: pool(b.Intermediate)}); err == nil {
		t.Fatal("b's leaf verified under a's root")
	}
	c := NewChainWithRoot(t, a, RSA2048, "c.example", "10.1.2.3")
	if !c.Root.Equal(a.Root) {
		t.Fatal("NewChainWithRoot did not reuse the root")
	}
	if _, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: "c.example", Roots: a.RootPool, Intermediates: pool(c.Intermediate)}); err != nil {
		t.Fatal(err)
	}
	if len(c.Leaf.IPAddresses) != 1 || !c.Leaf.IPAddresses[0].Equal(net.ParseIP("10.1.2.3")) {
		t.Fatalf("IP SANs = %v", c.Leaf.IPAddresses)
	}
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func TestWriteFiles(t *testing.T) {
	c := NewChain(t, ECDSAP256)
	dir := t.TempDir()
	cf, kf, rf := c.WriteFiles(t, dir)
	cf2, _, _ := c.WriteFiles(t, dir)
	if cf == cf2 {
		t.Fatal("WriteFiles reused a file name")
	}
	for file, want := range map[string][]byte{cf: c.CertPEM, kf: c.KeyPEM, rf: c.RootPEM} {
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%s has the wrong contents", file)
		}
	}
}

func TestTCPPipe(t *testing.T) {
	a, b := TCPPipe(t)
	go a.Write([]byte("ping"))
	buf := make([]byte, 4)
	if _, err := b.Read(buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v", buf, err)
	}
}
