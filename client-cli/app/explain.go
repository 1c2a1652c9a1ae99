package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"

	"hodan/syncengine"
)

// explain turns an error into the one line the officer reads.
func explain(err error) string {
	var remote *syncengine.Error
	var failure *syncFailure
	var netErr net.Error
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var notTLS tls.RecordHeaderError
	var msg string
	switch {
	case errors.As(err, &unknownCA):
		msg = "the district server's certificate is not signed by the certificate authority this laptop trusts: it may not be your district's server. Nothing was sent. If the district gave you a ca.pem, enroll with `hodan init --ca ca.pem`; otherwise ask the district"
	case errors.As(err, &badHost):
		msg = fmt.Sprintf("the district server's certificate is not for %s (%v): check the server address, or ask the district for a certificate that names it. Nothing was sent", badHost.Host, err)
	case errors.As(err, &invalid):
		msg = fmt.Sprintf("the district server's certificate is not valid (%v): if it has expired, ask the district to renew it; check this laptop's date and time. Nothing was sent", invalid)
	case errors.As(err, &notTLS) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		msg = "the district server does not speak https at this address: check the address (http:// or https://) with the district"
	case errors.As(err, &remote):
		msg = fmt.Sprintf("the server refused (%s): %s", remote.Code, remote.Message)
	case errors.As(err, &failure) && errors.As(err, &netErr):
		msg = fmt.Sprintf("cannot reach the district server at %s (%v); nothing recorded here is lost: check the network and run `hodan sync` again", failure.server, netErr)
	case errors.As(err, &failure) && isRefused(err):
		msg = fmt.Sprintf("cannot reach the district server at %s: %v; nothing recorded here is lost: check the network and run `hodan sync` again", failure.server, err)
	case errors.Is(err, syncengine.ErrDeviceBehind):
		msg = err.Error() + "; do not record more on this copy: ask the district to enroll the laptop again"
	default:
		msg = err.Error()
	}
	return strings.Join(strings.Fields(msg), " ")
}

func isRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
