package console

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"hodan/internal/i18n"
	"hodan/reconcile"
	"hodan/schema"
	"hodan/server/accounts"
	"hodan/server/audit"
	"hodan/syncengine"
)

// actionsShown is how many entries of the action log the audit page shows.
const actionsShown = 100

// auditPage is the data of the audit page.
type auditPage struct {
	Entries    uint64 // the sync log's size
	Checkpoint *syncengine.Checkpoint
	Signed     time.Time // when the latest checkpoint was signed
	CanExport  bool      // the auditor sees every commune
	Actions    []actionRow
}

// actionRow is an entry of the action log as people read it.
type actionRow struct {
	accounts.Action
	Name              string // the person of Login, "" if the account is gone
	What, About, From string
}

// auditPage shows the latest checkpoint, the buttons that verify the log
// and download its export, and the action log.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	size, _, err := c.cfg.DB.LogHead(ctx)
	if err != nil {
		return err
	}
	p := auditPage{Entries: size, CanExport: len(v.user().Communes) == 0}
	cps, err := c.cfg.DB.Checkpoints(ctx)
	if err != nil {
		return err
	}
	if len(cps) > 0 {
		p.Checkpoint = &cps[len(cps)-1]
		p.Signed = time.UnixMilli(p.Checkpoint.At)
	}
	log, err := c.cfg.Accounts.Actions(ctx, actionsShown)
	if err != nil {
		return err
	}
	users, err := c.cfg.Accounts.List(ctx)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.Login] = u.Name
	}
	for _, a := range log {
		p.Actions = append(p.Actions, actionRow{Action: a, Name: names[a.Login], What: actionName(v.lang, a.Action), About: about(v.lang, a), From: origin(v.lang, a.Origin)})
	}
	return c.render(w, r, http.StatusOK, "audit", "/audit", p)
}

// actionName says an action of the log in l; an action the catalogue
// does not name yet shows as itself.
func actionName(l i18n.Lang, action string) string {
	if i18n.Default().Has("console.action." + action) {
		return i18n.T(l, "console.action."+action)
	}
	return action
}

// about says what an action was done to: an account's login, a
// laptop's officer (never its id), the households merged, the log.
func about(l i18n.Lang, a accounts.Action) string {
	switch a.Action {
	case "device.revoke":
		var d struct{ Officer string }
		if json.Unmarshal(a.Detail, &d) == nil && d.Officer != "" {
			return d.Officer
		}
	case accounts.ActionHouseholdMerge:
		var m accounts.HouseholdMerge
		if json.Unmarshal(a.Detail, &m) == nil {
			kept := reconcile.Household{HeadName: m.KeptHead, HouseholdNumber: m.KeptNumber}
			dropped := reconcile.Household{HeadName: m.DroppedHead, HouseholdNumber: m.DroppedNumber}
			return i18n.T(l, "console.audit.merged", householdLabel(l, dropped), householdLabel(l, kept))
		}
	case "conflict.resolve":
		if s, ok := resolvedAbout(l, a.Detail); ok {
			return s
		}
	case "audit.verify", "audit.export":
		return i18n.T(l, "console.audit.the_log")
	case "actions.verify":
		return i18n.T(l, "console.audit.the_actions")
	}
	return a.Target
}

// origin says where an action came from: the console and the address,
// or the command line.
func origin(l i18n.Lang, o string) string {
	if ip, ok := strings.CutPrefix(o, "console from "); ok {
		return i18n.T(l, "console.audit.from_console", ip)
	}
	if o == accounts.CommandLine.Origin {
		return i18n.T(l, "console.audit.from_command_line")
	}
	return o
}

// verifyLog verifies the live log now, as an auditor would verify its
// export (chain, the devices' signatures, the checkpoints against the
// server's key), and says what it found.
func (c *Console) verifyLog(w http.ResponseWriter, r *http.Request, v *visit) error {
	rep, err := c.verifyLive(r.Context())
	tampered := errors.Is(err, audit.ErrTampered)
	if err != nil && !tampered {
		return err
	}
	detail := map[string]any{"entries": rep.Entries, "ok": !tampered}
	if tampered {
		detail["problem"] = err.Error()
	}
	if err := c.cfg.Accounts.Record(r.Context(), actor(r, v), "audit.verify", "sync log", detail); err != nil {
		return err
	}
	if tampered {
		return c.redirect(w, r, "/audit", flash{Key: "console.flash.log_bad", Args: []string{err.Error()}})
	}
	n := func(x uint64) string { return Number(v.lang, int64(x)) }
	if rep.Checkpoints == 0 {
		return c.redirect(w, r, "/audit", flash{OK: true, Key: "console.flash.log_ok_unsigned",
			Args: []string{n(rep.Entries), n(uint64(rep.Batches))}})
	}
	return c.redirect(w, r, "/audit", flash{OK: true, Key: "console.flash.log_ok",
		Args: []string{n(rep.Entries), n(uint64(rep.Batches)), n(uint64(rep.Checkpoints)), n(rep.Covered)}})
}

// verifyLive exports the log as it stands through a pipe into the
// verifier, with the server's own key pinned.
func (c *Console) verifyLive(ctx context.Context) (audit.Report, error) {
	key, err := c.cfg.Registry.PublicServerKey(ctx)
	if err != nil {
		return audit.Report{}, err
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := audit.Export(ctx, c.cfg.DB, c.cfg.Registry, key, pw, c.cfg.Now())
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	return audit.Verify(pr, audit.Options{ServerKey: key})
}

// export signs a checkpoint of the log as it stands and sends the export
// (.jsonl), as `hodan-server audit export` writes it. The export is the
// whole log: only an auditor of every commune downloads it.
func (c *Console) export(w http.ResponseWriter, r *http.Request, v *visit) error {
	if len(v.user().Communes) > 0 {
		return forbid("console.audit.export_all_only")
	}
	ctx := r.Context()
	now := c.cfg.Now()
	cp, err := c.cfg.Registry.Checkpoint(ctx, now)
	if err != nil {
		return err
	}
	key, err := c.cfg.Registry.PublicServerKey(ctx)
	if err != nil {
		return err
	}
	err = c.cfg.Accounts.Record(ctx, actor(r, v), "audit.export", "sync log", map[string]any{"entries": cp.Size})
	if err != nil {
		return err
	}
	name := "hodan-audit-" + now.In(schema.Vietnam).Format("20060102-1504") + ".jsonl"
	w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	// A large log takes longer than the server's write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	if _, err := audit.Export(ctx, c.cfg.DB, c.cfg.Registry, key, w, now); err != nil {
		// The answer has begun: the download breaks off, and the log says why.
		c.cfg.Log.Error("console: audit export", "err", err)
	}
	return nil
}

// verifyActions checks the chain of the whole action log.
func (c *Console) verifyActions(w http.ResponseWriter, r *http.Request, v *visit) error {
	n, err := c.cfg.Accounts.VerifyActions(r.Context())
	altered := errors.Is(err, accounts.ErrActionLogAltered)
	if err != nil && !altered {
		return err
	}
	detail := map[string]any{"entries": n, "ok": err == nil}
	if altered {
		detail["problem"] = err.Error()
	}
	if err := c.cfg.Accounts.Record(r.Context(), actor(r, v), "actions.verify", "action log", detail); err != nil {
		return err
	}
	if altered {
		return c.redirect(w, r, "/audit", flash{Key: "console.flash.actions_bad", Args: []string{Number(v.lang, int64(n)), err.Error()}})
	}
	return c.redirect(w, r, "/audit", flash{OK: true, Key: "console.flash.actions_ok", Args: []string{Number(v.lang, int64(n))}})
}
