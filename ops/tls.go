package ops

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"time"

	"hodan/syncengine"
)

// ReadCA reads the PEM certificate authority a district gives its laptops
// (`hodan-server tls init` writes it as ca.pem), to pin at enrollment.
func ReadCA(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fail("error.read_ca", err)
	}
	if _, err := caPool(string(b)); err != nil {
		return "", fail("error.bad_ca", path, err)
	}
	return string(b), nil
}

func caPool(pemText string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(pemText)) {
		return nil, fail("error.no_pem")
	}
	return pool, nil
}

// Client is the sync client for the laptop's server, sending batches of
// batch changes (0: the client's default) and trusting only the pinned CA
// when there is one.
func (d *Device) Client(batch int) (*syncengine.Client, error) {
	c := &syncengine.Client{BaseURL: d.Server, Token: d.Token, BatchSize: batch, Key: d.Key, OnFork: saveIdentity}
	var err error
	c.HTTP, err = httpClient(d.CA)
	return c, err
}

// httpClient trusts only the CA in caPEM, or the system's when it is empty.
func httpClient(caPEM string) (*http.Client, error) {
	client := &http.Client{Timeout: 2 * time.Minute}
	if caPEM == "" {
		return client, nil
	}
	pool, err := caPool(caPEM)
	if err != nil {
		return nil, fail("error.pinned_ca", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	client.Transport = tr
	return client, nil
}
