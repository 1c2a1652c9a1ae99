package app

import (
	"hodan/ops"
	"hodan/syncengine"
)

// forkText says, after a sync, that this laptop's database turned out to
// be an older copy or a copy used on another laptop, how many changes the
// server had from the other copy, and that the changes recorded here
// continue under a new identity, all sent (ops.ForkText).
func (a *app) forkText(f *syncengine.Fork) string { return ops.ForkText(a.lang, f) }

// forkStatus says, in a status, on which day the laptop continued under a
// new identity.
func (a *app) forkStatus(f *syncengine.Fork) string { return ops.ForkStatus(a.lang, f) }
