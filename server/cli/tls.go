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

	"hodan/internal/i18n"
)

func tlsCmd(t tr) *cobra.Command {
	return groupCmd("tls", t.T("server.tls.short"), tlsInitCmd(t))
}

func tlsInitCmd(t tr) *cobra.Command {
	var out string
	var hosts []string
	var days int
	cmd := &cobra.Command{
		Use:   t.T("server.tls.init.use"),
		Short: t.T("server.tls.init.short"),
		Long:  t.T("server.tls.init.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(hosts) == 0 {
				return i18n.Errorf("server.tls.error.no_host")
			}
			if days < 1 {
				return i18n.Errorf("server.tls.error.days")
			}
			made, err := makeServerCert(out, hosts, time.Duration(days)*24*time.Hour, time.Now())
			if err != nil {
				return err
			}
			for _, f := range made {
				fmt.Fprintln(cmd.OutOrStdout(), f)
			}
			ca := filepath.Join(out, "ca.pem")
			fmt.Fprintln(cmd.ErrOrStderr(), t.T("server.tls.made", filepath.Join(out, "server.pem"), filepath.Join(out, "server-key.pem"), ca,
				net.JoinHostPort(hosts[0], "8443")))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "tls", t.T("server.tls.flag.out"))
	cmd.Flags().StringArrayVar(&hosts, "host", nil, t.T("server.tls.flag.host"))
	cmd.Flags().IntVar(&days, "days", 825, t.T("server.tls.flag.days"))
	return cmd
}

// makeServerCert writes a server certificate for hosts into dir, signed by
// the CA in dir, which it makes first if dir has none. It returns the
// files it wrote.
func makeServerCert(dir string, hosts []string, valid time.Duration, now time.Time) ([]string, error) {
	certFile, keyFile := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem")
	for _, f := range []string{certFile, keyFile} {
		if _, err := os.Stat(f); err == nil {
			return nil, i18n.Errorf("server.tls.error.exists", f)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, i18n.Errorf("server.tls.error.mkdir", dir, err)
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
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{"Hodan server"}},
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
		return tls.Certificate{}, nil, i18n.Errorf("server.tls.error.read_ca", dir, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Hodan server CA", Organization: []string{"Hodan"}},
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
		return i18n.Errorf("server.error.write", path, err)
	}
	if err := pem.Encode(f, &pem.Block{Type: kind, Bytes: der}); err != nil {
		f.Close()
		return i18n.Errorf("server.error.write", path, err)
	}
	if err := f.Close(); err != nil {
		return i18n.Errorf("server.error.write", path, err)
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
