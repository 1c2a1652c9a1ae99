package httpd

import (
	"context"
	"sync"

	"hodan/syncengine"
)

// maxGroupChanges bounds the changes of one group commit: every pusher of
// a group waits for the whole group, and the devices answered late pull
// more. BenchmarkFleetServer (200 pushes of 66 changes at once), p99 of a
// sync on a quiet machine: 0.95–1.03 s one batch a transaction; groups of
// at most 500 changes 0.64–0.66 s, 2,000 0.63–0.69 s, 5,000 0.67–0.72 s,
// 20,000 0.79–0.84 s.
const maxGroupChanges = 2 * syncengine.DefaultBatchSize

// committer applies pushed batches with group commit: the batches that
// arrive while a group is being applied wait, and are then applied
// together, in the order they came, in one transaction with one fsync
// (DB.ApplyReceivedGroup). A goroutine of its own applies the groups while
// there are batches waiting. With 200 devices pushing at once, every push
// waited for all those before it on the database's single writer; applied
// one transaction each, 100 batches of 66 changes took 230–390 ms of the
// writer's time, in groups of ten 120–220 ms.
type committer struct {
	db *syncengine.DB
	// maxChanges bounds a group's changes (maxGroupChanges).
	maxChanges int

	mu      sync.Mutex
	queue   []*pushJob
	running bool
}

// pushJob is one batch waiting in the committer; done is closed once its
// result is set.
type pushJob struct {
	batch  syncengine.Received
	result syncengine.GroupResult
	done   chan struct{}
}

func newCommitter(db *syncengine.DB) *committer {
	return &committer{db: db, maxChanges: maxGroupChanges}
}

// submit queues batch and waits for its result. It returns once the batch
// is durably committed or refused, never before, so that an answer never
// precedes the commit. A batch is applied, or refused, with its group even
// if its pusher gave up waiting meanwhile (its request's context ended):
// keeping what the device signed and sent harms nothing, and at its next
// sync the device finds it held by its versions, with any refusals, and
// does not send it again over its slow link; dropped, it would be sent and
// merged again.
func (c *committer) submit(batch syncengine.Received) (syncengine.PushResult, error) {
	job := &pushJob{batch: batch, done: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, job)
	if !c.running {
		c.running = true
		go c.run()
	}
	c.mu.Unlock()
	<-job.done
	return job.result.Result, job.result.Err
}

// run applies groups until the queue is empty.
func (c *committer) run() {
	for {
		group := c.next()
		if group == nil {
			return
		}
		c.apply(group)
	}
}

// next takes the next group off the queue: the batches waiting, in order,
// up to maxChanges changes (at least one batch). With none waiting it
// marks the committer stopped and returns nil.
func (c *committer) next() []*pushJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.running = false
		return nil
	}
	n, changes := 0, 0
	for n < len(c.queue) && (n == 0 || changes+len(c.queue[n].batch.Changes) <= c.maxChanges) {
		changes += len(c.queue[n].batch.Changes)
		n++
	}
	group := c.queue[:n:n]
	c.queue = c.queue[n:]
	if len(c.queue) == 0 {
		c.queue = nil // let the backing array go
	}
	return group
}

// apply applies the batches of group and hands each job its result. It
// does not run under a request's context: one device hanging up must not
// abort the others' transaction, nor its own batch (see submit).
func (c *committer) apply(group []*pushJob) {
	batches := make([]syncengine.Received, len(group))
	for i, job := range group {
		batches[i] = job.batch
	}
	for i, result := range c.db.ApplyReceivedGroup(context.Background(), batches) {
		group[i].result = result
		close(group[i].done)
	}
}
