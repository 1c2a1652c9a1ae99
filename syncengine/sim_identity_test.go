package syncengine

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
)

// A laptop's database file is copied now and then: backed up and put back
// from the copy (the laptop forgets what it wrote since), or copied onto a
// new laptop that shares the first one's enrollment and goes on writing.
// DESIGN.md says that a site id is never used by two databases: the copy
// notices at its next sync, continues under a new site id (fork.go), and
// nothing written on either copy is lost. What a file put back from a copy
// wrote in its lost life survives where it reached the server; the model
// follows files (simModel).
//
// Files are not copied in the schedules whose server is restored from its
// backups (sim_backup_test.go): a server that forgot a site's changes
// cannot tell a copy of the site's file that they were ever sent, and the
// copy sends other changes under their numbers. A laptop that pulled the
// forgotten ones is then refused the new ones (ErrSequenceReused), as it
// was before forks existed. That double fault is a limit of the design,
// written down in syncengine/doc.go.

// simEnrollment is what the server knows a token by: the device enrolled
// with it (a copy of the laptop shares it) and the site id it stands for,
// the device's own or one a fork made.
type simEnrollment struct {
	dev    *simReplica
	site   SiteID
	parent SiteID // for a fork's site, the site it forked from
	key    []byte // for a fork's site, its public key
}

// simBackup is a copy of a laptop's file, and what the laptop kept
// outside it: its token and key (hodan keeps them in the file).
type simBackup struct {
	path  string
	token string
	key   ed25519.PrivateKey
	mine  []Change // the file's own changes, for the model
	forks int      // the forks the file had made
	// last is the latest own stamp the file's clock followed, and
	// ranAhead whether its clock had run ahead (see simReplica).
	last     HLC
	ranAhead bool
}

// simFingerprintPage is how many fingerprints the simulated server sends
// in one answer: few, so that the client's loop over pages runs.
const simFingerprintPage = 3

// simMaxCopies bounds the laptops made by copying a file.
const simMaxCopies = 2

// copyFault backs a laptop's file up, puts a backup back, or copies the
// file onto a new laptop.
func (w *simWorld) copyFault() {
	d := w.pick(w.devices)
	switch k := w.rng.IntN(10); {
	case k < 4 && d.backup != nil:
		w.restoreDevice(d)
	case k < 8 || w.copies >= simMaxCopies:
		w.backupDevice(d)
	default:
		w.cloneDevice(d)
	}
}

// withClosed closes r's database, runs fn and opens the file again.
func (w *simWorld) withClosed(r *simReplica, fn func()) {
	if err := r.db.Close(); err != nil {
		w.t.Fatalf("close %s: %v", r.name, err)
	}
	fn()
	w.reopen(r)
}

func (w *simWorld) backupDevice(d *simReplica) {
	b := &simBackup{path: d.path + ".backup", token: d.client.Token, key: d.client.Key,
		mine: slices.Clone(w.model.mine[d]), forks: d.forks, last: w.model.lastHLC[d], ranAhead: d.ranAhead}
	w.withClosed(d, func() { copyFile(w.t, d.path, b.path) })
	d.backup = b
	w.note("%s backed up", d.name)
}

// restoreDevice puts the laptop's backup back in place of its file: the
// file's own changes since are lost to it (the model keeps them, to
// survive if they reached the server), and so are its token and key, and
// any fork it made since.
func (w *simWorld) restoreDevice(d *simReplica) {
	b := d.backup
	w.withClosed(d, func() {
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(d.path + suffix); err != nil && !os.IsNotExist(err) {
				w.t.Fatalf("restore %s: %v", d.name, err)
			}
		}
		copyFile(w.t, b.path, d.path)
	})
	d.site, d.forks = d.db.Site(), b.forks
	d.client.Token, d.client.Key = b.token, b.key
	for _, c := range w.model.mine[d] {
		if !slices.ContainsFunc(b.mine, func(k Change) bool { return sameOwnChange(&k, &c) }) {
			w.model.lost = append(w.model.lost, simAck{c, d})
		}
	}
	w.model.mine[d] = slices.Clone(b.mine)
	w.model.lastHLC[d] = b.last
	d.ranAhead = d.ranAhead || b.ranAhead
	w.note("%s restored from its backup", d.name)
}

// cloneDevice copies a laptop's file onto a new laptop, which shares its
// enrollment (token and key) and writes and syncs like any other.
func (w *simWorld) cloneDevice(d *simReplica) {
	w.copies++
	c := &simReplica{name: fmt.Sprintf("%s-copy%d", d.name, w.copies), scopes: d.scopes, offset: d.offset, forks: d.forks, ranAhead: d.ranAhead}
	c.path = filepath.Join(w.dir, c.name+".db")
	w.withClosed(d, func() { copyFile(w.t, d.path, c.path) })
	w.reopen(c)
	c.site = c.db.Site()
	w.t.Cleanup(func() { c.db.Close() })
	c.client = &Client{BaseURL: d.client.BaseURL, Token: d.client.Token, Key: d.client.Key,
		HTTP: &http.Client{Transport: w.net}, BatchSize: 1 + w.rng.IntN(40), sequential: true}
	w.model.mine[c] = slices.Clone(w.model.mine[d])
	w.model.lastHLC[c] = w.model.lastHLC[d]
	w.devices = append(w.devices, c)
	w.all = append(w.all, c)
	w.note("%s copied to %s", d.name, c.name)
}

// followForks tells the model of the forks r made in its last sync: its
// own changes after the fork's point now stand under the new site id, and
// the old ones survive only if they reached the server.
func (w *simWorld) followForks(r *simReplica) {
	forks, err := r.db.forks(w.ctx, false)
	if err != nil {
		w.t.Fatalf("%s: forks: %v", r.name, err)
	}
	for _, f := range forks[min(r.forks, len(forks)):] {
		if f.From != r.site {
			w.t.Fatalf("%s forked from %s, but it was %s", r.name, f.From, r.site)
		}
		moved := 0
		mine := w.model.mine[r]
		for i, c := range mine {
			if c.Site == f.From && c.Seq > f.At {
				w.model.lost = append(w.model.lost, simAck{c, r})
				mine[i].Site, mine[i].Seq = f.To, c.Seq-f.At
				moved++
			}
		}
		if moved != f.Moved {
			w.t.Errorf("%s moved %d changes to its new site, the model %d", r.name, f.Moved, moved)
		}
		r.site = f.To
		w.note("%s forked from #%d: %d moved, the server held #%d", r.name, f.At, f.Moved, f.ServerHeld)
	}
	r.forks = len(forks)
	if r.site != r.db.Site() {
		w.t.Fatalf("%s is site %s, the model says %s", r.name, r.db.Site(), r.site)
	}
}

// settle keeps, of the changes files lost, those the server holds: they
// reached it before, and must survive.
func (w *simWorld) settle() {
	for _, a := range w.model.lost {
		fp, err := w.server.db.Fingerprints(w.ctx, a.c.Site, a.c.Seq-1, a.c.Seq)
		if err != nil {
			w.t.Fatal(err)
		}
		landed := bytes.Equal(fp.Hashes, fingerprintOf(&a.c))
		if landed && !slices.ContainsFunc(w.model.landed, func(l simAck) bool { return sameOwnChange(&l.c, &a.c) }) {
			w.model.landed = append(w.model.landed, a)
		}
	}
	w.note("lost changes: %d, of which the server holds %d", len(w.model.lost), len(w.model.landed))
}

// sameOwnChange reports whether a and b are one change.
func sameOwnChange(a, b *Change) bool {
	return a.Site == b.Site && a.Seq == b.Seq && a.Hash() == b.Hash()
}

// serveFingerprints answers verify_after as server/httpd does, in small
// pages.
func (w *simWorld) serveFingerprints(sr simRequest, held uint64) (*Fingerprints, error) {
	q := sr.url.Query()
	if q.Get("verify_after") == "" {
		return nil, nil
	}
	after, err := simUintParam(q, "verify_after")
	if err != nil || held <= after {
		return nil, err
	}
	fp, err := w.server.db.fingerprints(w.ctx, sr.site, after, held, simFingerprintPage)
	return &fp, err
}

// serveFork is /v1/fork as server/httpd serves it.
func (w *simWorld) serveFork(sr simRequest) (int, []byte) {
	var req ForkRequest
	err := json.Unmarshal(sr.body, &req)
	if err == nil && req.Site == (SiteID{}) {
		err = errors.New("a fork needs the new site id")
	}
	if err != nil {
		w.t.Errorf("server, fork from %s: %v", sr.dev.name, err)
		return http.StatusBadRequest, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeBadRequest, Message: err.Error()}}))
	}
	srv := w.server.db
	vv, err := srv.Versions(w.ctx, sr.site)
	if err != nil {
		w.t.Fatal(err)
	}
	held := vv[sr.site]
	if held <= req.At {
		w.note("fork refused: the server holds #%d", held)
		return http.StatusConflict, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeNoDivergence, Message: "no divergence"}}))
	}
	token, ok := w.enrollFork(sr, req)
	if !ok {
		w.note("fork refused: site known")
		return http.StatusConflict, []byte(mustJSON(ErrorResponse{Error: Error{Code: CodeSiteKnown, Message: "site known"}}))
	}
	logged, err := srv.Logged(w.ctx, sr.site, req.At, held)
	if err != nil {
		w.t.Fatal(err)
	}
	return http.StatusOK, []byte(mustJSON(ForkResponse{Token: token, Held: held, Logged: logged}))
}

// enrollFork gives a fork's new site a token, as server/registry does: a
// site the server knows is refused, unless the same fork is asked again
// before the site pushed anything.
func (w *simWorld) enrollFork(sr simRequest, req ForkRequest) (string, bool) {
	known, err := w.server.db.KnowsSite(w.ctx, req.Site)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range w.tokens {
		if e.site == req.Site && (known || e.parent != sr.site || !bytes.Equal(e.key, req.PublicKey)) {
			return "", false
		}
	}
	if known || req.Site == sr.site {
		return "", false
	}
	token := fmt.Sprintf("token-fork-%d", len(w.tokens))
	w.tokens[token] = simEnrollment{dev: sr.dev, site: req.Site, parent: sr.site, key: req.PublicKey}
	return token, true
}

// copiedPushRefusal is the code with which the server refuses, without it
// being a fault of the engine, a push made before a file was copied or put
// back: a push the network delivered late, from a life of the file that
// is gone or under a site id it left, lands on other changes under the same
// numbers, or beyond what the server holds. Only in a world where files
// were copied.
func (w *simWorld) copiedPushRefusal(err error) string {
	switch {
	case w.copyFaults == 0:
		return ""
	case errors.Is(err, ErrSequenceReused):
		return CodeSeqReused
	case errors.Is(err, ErrSequenceGap):
		return CodeSequenceGap
	}
	return ""
}
