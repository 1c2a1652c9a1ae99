package ops

import (
	"context"
	"errors"
	"time"

	"hodan/syncengine"
)

// Enrollment is what a laptop is enrolled with: its district server's
// address, the one-time code the district gave, and the certificate
// authority to pin (PEM, "" for the system's).
type Enrollment struct {
	Server, Code, CA string
}

// Enroll enrolls the laptop whose database is db with its server, as of
// now, and records the enrollment. A laptop already enrolled is enrolled
// again only if its enrollment was revoked, and only with the same server;
// reenrolled tells it was. Every enrollment makes a new signing key: a
// laptop enrolled again after it was revoked does not keep the key that
// may have leaked.
func Enroll(ctx context.Context, db *syncengine.DB, e Enrollment, now time.Time) (dev *Device, reenrolled bool, err error) {
	before, err := LoadDevice(ctx, db)
	if err != nil && !errors.Is(err, ErrNotEnrolled) {
		return nil, false, err
	}
	if before != nil {
		if err := stillEnrolled(ctx, before); err != nil {
			return nil, false, err
		}
	}
	key, err := newDeviceKey()
	if err != nil {
		return nil, false, err
	}
	dev = &Device{Server: e.Server, CA: e.CA, Key: key}
	client, err := dev.Client(0)
	if err != nil {
		return nil, false, err
	}
	res, err := client.Enroll(ctx, e.Code, db.Site())
	if err != nil {
		return nil, false, &ExchangeError{Server: e.Server, Err: err, Init: true}
	}
	if before != nil && before.ServerSite != res.ServerSite.String() {
		return nil, false, fail("error.init_other_server", before.Server, e.Server)
	}
	dev.Token, dev.Officer, dev.Communes = res.Token, res.Officer, res.Scopes
	dev.ServerSite, dev.EnrolledAt = res.ServerSite.String(), now
	if err := SaveDevice(ctx, db, dev); err != nil {
		return nil, false, err
	}
	return dev, before != nil, nil
}

// stillEnrolled refuses to enroll again a laptop whose enrollment is
// live, before a new code is spent on it; a revoked one may.
func stillEnrolled(ctx context.Context, dev *Device) error {
	client, err := dev.Client(0)
	if err != nil {
		return err
	}
	err = client.Check(ctx)
	var remote *syncengine.Error
	switch {
	case err == nil:
		return fail("error.init_already", dev.Server, dev.Actor().communeList())
	case errors.As(err, &remote) && (remote.Code == syncengine.CodeRevoked || remote.Code == syncengine.CodeUnauthorized):
		return nil
	}
	return &ExchangeError{Server: dev.Server, Err: err, Init: true}
}
