package app

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"hodan/syncengine"
)

// progress is a progress bar on the officer's terminal, drawn on stderr.
// When stderr is not a terminal (a pipe, a file, a test) it draws nothing:
// the command prints its own summary line when it is done. A nil *progress
// is valid and does nothing, so callers need not check.
//
// Use:
//
//	p := a.progress(int64(len(rows)), "import.progress")
//	for range rows {
//		... work ...
//		p.Add(1)
//	}
//	p.Finish()
type progress struct {
	bar *progressbar.ProgressBar
}

// progress starts a progress bar of total steps (0 or less: unknown, a
// spinner) labelled with catalogue message labelKey, formatted with args,
// in the officer's language.
func (a *app) progress(total int64, labelKey string, args ...any) *progress {
	if !isTerminal(a.env.Stderr) {
		return &progress{}
	}
	return &progress{bar: newBar(a.env.Stderr, total, a.T(labelKey, args...))}
}

// newBar makes the bar itself, drawing on w.
func newBar(w io.Writer, total int64, label string) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)
}

// Add moves the bar n steps on.
func (p *progress) Add(n int64) {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Add64(n) // a bar that cannot draw is no reason to stop the work
}

// Finish ends the bar and clears its line; call it once the work is done,
// or failed (defer it), before printing the result.
func (p *progress) Finish() {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Clear()
	_ = p.bar.Exit()
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// phaseBars reports an operation's progress (ops.Progress) on progress
// bars, one a phase, labelled with the message label names for the phase.
// finish ends the last bar; it may be called more than once.
func (a *app) phaseBars(label func(phase string) string) (report func(syncengine.Progress), finish func()) {
	var bar *progress
	phase, done := "", 0
	report = func(p syncengine.Progress) {
		if p.Phase != phase {
			bar.Finish()
			phase, done = p.Phase, 0
			bar = a.progress(int64(p.Total), label(p.Phase))
		}
		bar.Add(int64(p.Done - done))
		done = p.Done
	}
	finish = func() {
		bar.Finish()
		bar, phase = nil, ""
	}
	return report, finish
}
