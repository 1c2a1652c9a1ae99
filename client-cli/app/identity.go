package app

import (
	"hodan/ops"
	"hodan/syncengine"
)

// forkText says, after a sync, that this laptop's database turned out to
// be an older copy or a copy used on another laptop, how many changes the
// server had from the other copy, and that the changes recorded here
// continue under a new identity, all sent.
func (a *app) forkText(f *syncengine.Fork) string {
	other := a.count(int(f.ServerHeld-f.At), "count.change")
	if f.Moved == 0 {
		return a.T("identity.sync_fork_none", other)
	}
	return a.T("identity.sync_fork", other, a.count(f.Moved, "count.change"))
}

// forkStatus says, in a status, on which day the laptop continued under a
// new identity.
func (a *app) forkStatus(f *syncengine.Fork) string {
	return a.T("identity.status", ops.DateText(f.When))
}
