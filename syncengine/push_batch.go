package syncengine

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
)

// pushQueue sends a push's batches one after the other, each read from the
// log, signed and encoded while the one before it is on its way and being
// merged by the server: the laptop's share of a push (about a third of its
// CPU time) overlaps the server's instead of adding to it. Only one batch
// is prepared ahead, from where the batch sent ends; it is used only if
// the server's answer makes the push go on from there with the same batch
// size and site, and is prepared again otherwise (a batch refused as too
// large, a fork, refusals that stop the server short). The first batch is
// read the same way while the server is asked what it holds (readEarly).
type pushQueue struct {
	c       *Client
	db      *DB
	compact CompactVersion  // 0: JSON
	ahead   chan *pushBatch // the batch being prepared ahead, or nil
}

// readEarly starts reading, before the server is asked what it holds, the
// first batch after what it acknowledged to this file: it is what the
// server's answer asks for unless an answer was lost or the server was
// restored, and reading and signing it (a few milliseconds of a day's
// sync) then overlaps the question's round trip. It is encoded once the
// answer says how; push uses it only if it starts where the answer says.
func (q *pushQueue) readEarly(ctx context.Context, limit int) error {
	own, err := q.db.OwnSeq(ctx)
	if err != nil {
		return err
	}
	pushed, err := q.db.pushedSeq(ctx)
	if err != nil || pushed >= own {
		return err
	}
	q.ahead = make(chan *pushBatch, 1)
	site, key := q.db.Site(), q.c.Key // a fork meanwhile changes both
	go func(ch chan<- *pushBatch) { ch <- q.read(ctx, site, key, pushed, limit) }(q.ahead)
	return nil
}

// pushBatch is a batch of this site's changes after held, at most limit of
// them, ready to send once encoded (payload).
type pushBatch struct {
	site    SiteID
	held    uint64
	limit   int
	changes []Change
	req     PushRequest
	body    any
	payload []byte
	err     error
}

// push sends up to limit of this site's changes after held (own is its
// last) and records the answer. It returns how many changes it sent.
func (q *pushQueue) push(ctx context.Context, held, own uint64, limit int) (PushResponse, int, error) {
	var pr PushResponse
	site := q.db.Site()
	b := q.take(site, held, limit)
	if b == nil {
		b = q.prepare(ctx, site, held, limit)
	} else if b.payload == nil {
		q.encode(b) // read early, before the encoding was known
	}
	if b.err != nil {
		return pr, 0, b.err
	}
	if last := b.changes[len(b.changes)-1].Seq; last < own {
		q.ahead = make(chan *pushBatch, 1)
		go func(ch chan<- *pushBatch) { ch <- q.prepare(ctx, site, last, limit) }(q.ahead)
	}
	if err := q.c.send(ctx, http.MethodPost, PathPush, b.body, b.payload, &pr); err != nil {
		q.drain() // nothing reads the log beside what handles the error (a fork)
		return pr, len(b.changes), err
	}
	// The answer lists the refusals of this batch only. The server may hold
	// more (an earlier copy of a push, whose answer was lost, landed
	// meanwhile): their refusals are asked for by versions, so this batch
	// vouches for nothing beyond its last change.
	heard := min(pr.Versions[b.site], b.changes[len(b.changes)-1].Seq)
	return pr, len(b.changes), q.db.RecordPushed(ctx, pr.Rejected, heard)
}

// take returns the batch prepared ahead if it is the one to send now, or
// nil. It waits for the preparation to end either way.
func (q *pushQueue) take(site SiteID, held uint64, limit int) *pushBatch {
	if q.ahead == nil {
		return nil
	}
	b := <-q.ahead
	q.ahead = nil
	if b.err != nil || b.site != site || b.held != held || b.limit != limit {
		return nil
	}
	return b
}

// drain waits for a batch still being prepared ahead.
func (q *pushQueue) drain() { q.take(SiteID{}, 0, 0) }

// prepare reads, signs and encodes a batch of site's changes.
func (q *pushQueue) prepare(ctx context.Context, site SiteID, held uint64, limit int) *pushBatch {
	b := q.read(ctx, site, q.c.Key, held, limit)
	q.encode(b)
	return b
}

// read reads a batch of site's changes and signs it with key (none: not
// signed).
func (q *pushQueue) read(ctx context.Context, site SiteID, key ed25519.PrivateKey, held uint64, limit int) *pushBatch {
	b := &pushBatch{site: site, held: held, limit: limit}
	if b.changes, b.err = q.db.Pending(ctx, b.site, held, limit); b.err != nil {
		return b
	}
	if len(b.changes) == 0 {
		b.err = fmt.Errorf("the log of this device ends at #%d", held)
		return b
	}
	b.req = PushRequest{Changes: b.changes}
	if key != nil {
		b.req.Signature = SignBatch(key, b.site, b.changes)
	}
	return b
}

// encode encodes a batch read, in the encoding the server takes.
func (q *pushQueue) encode(b *pushBatch) {
	if b.err != nil {
		return
	}
	b.body = b.req
	if q.compact != 0 {
		b.body = compactPush{&b.req, q.compact}
	}
	b.payload, b.err = encodeBody(b.body)
}
