package ops

import "hodan/syncengine"

// Progress, if set, is told how far a long operation has come: each step
// of each phase (a sync's "push" and "pull", an import's "progress.check"
// and "progress.import"), with the phase's total where it is known. A
// front end shows it as it likes; a nil Progress is told nothing.
type Progress func(syncengine.Progress)

// phase is one phase of an operation told to a Progress.
type phase struct {
	report      Progress
	name        string
	done, total int
}

// start begins phase name of total steps; nil when there is nobody to
// tell.
func (p Progress) start(name string, total int) *phase {
	if p == nil {
		return nil
	}
	return &phase{report: p, name: name, total: total}
}

// add tells that n more steps are done. A nil phase does nothing.
func (ph *phase) add(n int) {
	if ph == nil {
		return
	}
	ph.done += n
	ph.report(syncengine.Progress{Phase: ph.name, Done: ph.done, Total: ph.total})
}
