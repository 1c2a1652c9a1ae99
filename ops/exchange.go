package ops

// ExchangeError is an error that came of talking to the server at Server:
// the network, TLS, or the server's refusal (a *syncengine.Error within).
// Init marks one of enrolling (Enroll), which an officer cures by
// enrolling again.
type ExchangeError struct {
	Server string
	Err    error
	Init   bool
}

func (e *ExchangeError) Error() string { return e.Err.Error() }
func (e *ExchangeError) Unwrap() error { return e.Err }

// unreachable is the message key of a server out of reach.
func (e *ExchangeError) unreachable() string {
	if e.Init {
		return "input.init_unreachable"
	}
	return "error.unreachable"
}

// exchangeError marks err as a failed exchange with server.
func exchangeError(server string, err error) error { return &ExchangeError{Server: server, Err: err} }
