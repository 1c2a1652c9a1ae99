// Package syncengine is Hodan's replication core. It knows nothing of
// households: it replicates whatever tables the caller declares (TableSpec),
// cell by cell, between SQLite replicas.
//
// The model, from DESIGN.md:
//
//   - every replica has a random SiteID and a hybrid logical clock (Clock);
//     the total order of writes is (HLC, site);
//   - the unit of merge is one cell (a column of a row), a last-writer-wins
//     register ordered by (causal length, HLC, site);
//   - a row's existence is a causal-length counter: odd is alive, even is
//     deleted, and the larger counter wins, so a late edit never resurrects
//     a deleted row;
//   - every change carries the HLC of the value its writer saw (Base);
//   - every change a replica knows is appended to its log with its origin
//     site and origin sequence; the merged state is a pure function of the
//     set of changes in the log, and it is projected into ordinary domain
//     tables that any SQL tool can read.
//
// A child row (TableSpec.ParentTable) is written under a live parent, and
// deleting a parent deletes its live children first (Tx.Delete). A child
// recorded on one replica while another deleted its parent survives the
// merge, since the delete did not know of it: a live row whose parent is not
// alive (deleted, or never heard of here) is an orphan. DB.Orphans lists
// them; the list is a function of the merged state, the same on every
// replica that holds the same changes, each under an id derived from its row
// (OrphanID). Nothing hides, moves or deletes an orphan by itself: a person
// settles it with ordinary changes that sync, by restoring the parent
// (Tx.Restore: a new life one causal length up, with the non-null cells of
// the last life written again at it; the rows deleted with the parent stay
// deleted), moving the row to a live parent (Tx.Update), or deleting it.
//
// Merge is commutative, associative and idempotent: replicas that hold the
// same set of changes have the same Digest, whatever order, duplication or
// batching delivered them in.
//
// Edits without whole rows (partial.go). A transaction reads only the cells
// it needs: for a stored, live row that a batch only edits (cell writes, no
// causal length above the row's), the cells of the columns the batch
// writes; any other cell when a rule asks for it, never assuming one it has
// not read to be unwritten. It projects such a row by updating the columns
// whose winner changed, in its current life or NULL, since its domain row
// already shows the rest; a new row, a row whose causal length changed, or
// one whose domain row is missing is written whole from all its cells, as
// a replay writes it.
//
// Clocks (future.go). The merge never reads a clock, but a clock that ran
// ahead leaves changes stamped in everyone's future, and those must not
// stop replicas whose clocks are right. A replica's clock is judged by its
// wall clock, never by stamps it inherited:
//
//   - a clock follows an observed stamp only up to its wall clock plus its
//     tolerance (Config.ClockTolerance, DefaultClockTolerance: 10 minutes,
//     hodan-server's default --max-clock-skew); a later stamp is merged
//     but not followed (Clock.Observe, and AdoptSnapshot likewise);
//   - a local write to a cell is stamped max(clock.Now(), base.Next()),
//     base the HLC of the value it replaces, so an edit always beats the
//     value its writer saw, even one stamped in the future; a row's
//     existence is stamped clock.Now();
//   - a receiver accepts a change stamped past its wall clock plus the
//     skew it accepts only if it is a cell write stamped no later than just
//     after the value the cell holds there (StampAhead); anything else is
//     refused with CodeClockSkew where it first arrives;
//   - a client holds its push back when its wall clock is ahead of the
//     server's by more than the skew, or when a change waiting to be sent
//     is stamped that far ahead and not explained by its own base; Restamp
//     (`hodan clock repair`) re-stamps those in recording order, each at
//     max(clock, base.Next()) from a clock that follows no inherited stamp,
//     and lowers the high-water mark to what the clock issued.
//
// Every rule depends only on the changes a replica holds and its own wall
// clock, never on the order changes arrived in, so convergence is
// unchanged; a replica's own stamps increase cell by cell (and, while its
// clock is right, in sequence order).
//
// Conflicts (conflicts.go) are found among the writes of cells written
// more than once, and only those are read: the merge keeps, in the
// transaction that logs each entry, an index of the contested cells'
// entries (contested.go). A write of a cell that already has a winning
// write enters it together with that write, whose log entry the cell store
// keeps; so the index holds exactly the entries of the cells the log
// writes more than once, a function of the set of changes like everything
// else. Rewriting entries keeps their local numbers and cells, and leaves
// it as it is; a snapshot carries it renumbered as its log.
//
// Sync is push then pull over HTTP (Client): push is driven by the server's
// version vector, pull follows the server's log cursor, tied to its
// incarnation and to a fingerprint of the entry it points at.
//
// Errors come in three kinds. An Error is one a device or its officer can
// act on: a stable Code and a Message. A Rejection refuses one change of a
// received batch, with the code and message of an Error and, when the
// receiver knows it, the rule broken (Reason, Column, Args: the device
// says them in its officer's language); the rest of the batch is applied,
// and both sides record it, rule included (sync_rejected.detail).
// Anything else is internal: the receiver aborts the batch, keeping
// nothing of it, and the sender sends it again later. Sentinels (ErrSequenceGap …) stay where callers
// test them with errors.Is; ErrorOf is the one place that gives those a
// peer may see their Code.
//
// A site id is never used by two databases (fingerprint.go, fork.go,
// resite.go). The server acknowledged this site's changes up to P to this
// file (the pushed sequence it recorded); everything up to P is common to
// every copy of the file. Before it pushes, the client asks the server for
// a fingerprint (the first 16 bytes of Change.Hash) of each change of its
// site the server holds after P, page by page, and compares them with its
// log. They agree (a push whose answer was lost): P becomes what the server
// holds. They part — a fingerprint differs, or the server holds a number
// this file never wrote — after d, the last number where they agree: the
// file is an older copy of itself, or a copy used on another laptop. It
// then continues under a new random site id S': the server enrolls S' as
// a copy of the device (/v1/fork, with S' and its key kept in the file
// before the request, so that a laptop that dies after the answer asks
// again for the same S' and gets a fresh token while S' has pushed
// nothing), and one transaction moves the file's changes of S after d to
// S' as its changes 1 to k, with the same stamps, bases, causal lengths
// and values, rewrites their log entries and the chain after them, and
// decides again every cell they wrote from the log (a write of another
// site with the same causal length and stamp may win or lose against S'
// where it did not against S). Nothing of S' is acknowledged yet, so all k
// are pushed. Pulls leave out only the caller's current site, so the other
// copy's changes of S after d arrive; a pull cursor that had passed some of
// them (pulled as the file's own, and so left out) is set back to the
// start, and the file catches up in full. Every replica thus ends with
// every change either copy wrote, under distinct identities, and converges.
// A server restored from an older copy of its own file holds less than P:
// what it holds is then checked from the first change, since another copy
// may have sent it changes under numbers it had forgotten. The double fault
// of a server that forgot a site's changes and a copy of the site's file
// that reused their numbers cannot be seen by either, and is not handled:
// a third replica that pulled the forgotten changes is refused the new
// ones (ErrSequenceReused).
//
// The state as of an instant (WriteState) is the merge of the log entries
// the replica had taken by then: a pushed change when its batch was
// received, any other at its HLC's wall-clock time, as an auditor's replay
// stops. Being a function of that set, it reads the same at any later
// time, so a report as of a date can be made again with the same numbers.
//
// References. A log entry names its origin and its batch, and a cell its
// writer, by the integer ids of sync_sites and sync_batches rows. The
// merge takes every such id from a row it read or inserted in the same
// transaction, under the write lock, and no row of those tables is
// deleted while the log or the cells name it (only a client adopting a
// snapshot, a SQLite file, replaces its tables whole). SQLite checks these
// references with foreign keys, in every test run; PostgreSQL, where a
// foreign key costs a trigger and a locking probe per row written, leaves
// them to the engine (migrations_pg/0007_references_kept_by_the_merge.sql).
package syncengine
