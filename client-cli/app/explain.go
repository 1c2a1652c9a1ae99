package app

import (
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
	var msg string
	switch {
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
