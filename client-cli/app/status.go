package app

import (
	"fmt"
	"io"
	"strings"
	"time"

	"hodan/internal/i18n"
	"hodan/ops"
)

// printStatus tells the officer in plain words who this laptop records
// for, what waits to be sent, when the last sync was, and what needs
// doing: changes the server refused, conflicts to look at and orphaned
// records to settle.
func (a *app) printStatus(w io.Writer, st ops.Status) error {
	dev := st.Device
	var b strings.Builder
	line := func(key string, args ...any) { b.WriteString(a.T(key, args...) + "\n") }
	line("status.officer", dev.Officer)
	line("status.communes", strings.Join(dev.Communes, ", "))
	line("status.server", dev.Server)
	line("status.site", st.Site)
	line("status.database", st.Path)
	b.WriteString("\n")
	if st.Pending == 0 {
		line("status.nothing_waiting")
	} else {
		line("status.waiting", a.count(int(st.Pending), "count.change"))
		for _, s := range a.pendingSummary(st.Waiting) {
			b.WriteString("  - " + s + "\n")
		}
	}
	if st.Fork != nil {
		b.WriteString(a.forkStatus(st.Fork) + "\n")
	}
	if st.LastSync.IsZero() {
		line("status.never_synced")
	} else {
		line("status.last_sync", a.ago(a.now().Sub(st.LastSync)), a.dateTime(st.LastSync))
	}
	if len(st.Rejected) > 0 {
		b.WriteString("\n")
		line("status.refused", a.count(len(st.Rejected), "count.change"))
		for _, r := range st.Rejected {
			b.WriteString(wrapWords(fmt.Sprintf("  #%d", r.Seq), ops.RefusalReason(a.lang, r.Rejection), 78))
		}
		line("status.refused_todo")
	}
	if st.OpenConflicts > 0 {
		b.WriteString("\n")
		line("status.conflicts", a.count(st.OpenConflicts, "count.conflict"))
	}
	if st.Orphans > 0 {
		b.WriteString("\n")
		line("status.orphans", a.count(st.Orphans, "count.orphan"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// pendingSummary says, table by table, what changes waiting to be sent
// do (ops.PendingText).
func (a *app) pendingSummary(waiting []ops.PendingTable) []string {
	return ops.PendingText(a.lang, waiting)
}

// ago says how long ago something was (i18n.Ago).
func (a *app) ago(d time.Duration) string { return i18n.Ago(a.lang, d) }
