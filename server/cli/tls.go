package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
)

func tlsCmd() *cobra.Command {
	return groupCmd("tls", "Make the certificates of a district server that has no public certificate", tlsInitCmd())
}

func tlsInitCmd() *cobra.Command {
	var out string
	var hosts []string
	var days int
	cmd := &cobra.Command{
		Use:   "init --host NAME [--host NAME…] [--out DIR]",
		Short: "Make a district CA (once) and a server certificate it signs",
		Long: `Make a certificate authority for the district, unless DIR holds one already,
and a certificate for this server, signed by it, for each --host (a DNS
name or an IP address the laptops use to reach the server). It writes:

  DIR/ca.pem           the CA certificate: copy it to each laptop, for
                       hodan init --ca DIR/ca.pem
  DIR/ca-key.pem       the CA's private key: keep it offline
  DIR/server.pem       for hodan-server serve --tls-cert
  DIR/server-key.pem   for hodan-server serve --tls-key

Private keys are written readable by their owner only. Existing server
files are never overwritten.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(hosts) == 0 {
				return fmt.Errorf("name the server with --host (a DNS name or IP address laptops use to reach it)")
			}
			if days < 1 {
				return fmt.Errorf("--days must be at least 1")
			}
			made, err := makeServerCert(out, hosts, time.Duration(days)*24*time.Hour, time.Now())
			if err != nil {
				return err
			}
			for _, f := range made {
				fmt.Fprintln(cmd.OutOrStdout(), f)
			}
			ca := filepath.Join(out, "ca.pem")
			fmt.Fprintf(cmd.ErrOrStderr(), "Serve with: hodan-server serve --tls-cert %s --tls-key %s\nCopy %s to each laptop, then: hodan init --server https://%s --ca %s --enroll CODE\n",
				filepath.Join(out, "server.pem"), filepath.Join(out, "server-key.pem"), ca, net.JoinHostPort(hosts[0], "8443"), ca)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "tls", "directory to write the files to")
	cmd.Flags().StringArrayVar(&hosts, "host", nil, "a DNS name or IP address of the server (repeat for more)")
	cmd.Flags().IntVar(&days, "days", 825, "days the server certificate stays valid")
	return cmd
}

// makeServerCert writes a server certificate for hosts into dir, signed by
// the CA in dir, which it makes first if dir has none. It returns the
// files it wrote.
func makeServerCert(dir string, hosts []string, valid time.Duration, now time.Time) ([]string, error) {
	certFile, keyFile := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem")
	for _, f := range []string{certFile, keyFile} {
		if _, err := os.Stat(f); err == nil {
			return nil, fmt.Errorf("%s exists already: move it away to make a new one", f)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("make %s: %w", dir, err)
	}
	ca, made, err := loadOrMakeCA(dir, now)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{"Hodan district server"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(valid),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Leaf, &key.PublicKey, ca.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("sign server certificate: %w", err)
	}
	if err := writePEM(keyFile, "EC PRIVATE KEY", mustMarshalEC(key), 0o600); err != nil {
		return nil, err
	}
	if err := writePEM(certFile, "CERTIFICATE", der, 0o644); err != nil {
		return nil, err
	}
	return append(made, certFile, keyFile), nil
}

// loadOrMakeCA returns the CA kept in dir, making it if dir has none, and
// the files it wrote.
func loadOrMakeCA(dir string, now time.Time) (tls.Certificate, []string, error) {
	certFile, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	ca, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err == nil {
		return ca, nil, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return tls.Certificate{}, nil, fmt.Errorf("read the CA in %s: %w", dir, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Hodan district CA", Organization: []string{"Hodan"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("make CA certificate: %w", err)
	}
	if err := writePEM(keyFile, "EC PRIVATE KEY", mustMarshalEC(key), 0o600); err != nil {
		return tls.Certificate{}, nil, err
	}
	if err := writePEM(certFile, "CERTIFICATE", der, 0o644); err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err = tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("read back the CA: %w", err)
	}
	return ca, []string{certFile, keyFile}, nil
}

// writePEM writes one PEM block to a new file with mode perm.
func writePEM(path, kind string, der []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := pem.Encode(f, &pem.Block{Type: kind, Bytes: der}); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func mustMarshalEC(key *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		panic(err) // a P-256 key always marshals
	}
	return der
}

// serial is a random 128-bit certificate serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n
}
