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
// Merge is commutative, associative and idempotent: replicas that hold the
// same set of changes have the same Digest, whatever order, duplication or
// batching delivered them in.
//
// Sync is push then pull over HTTP (Client): push is driven by the server's
// version vector, pull follows the server's log cursor, tied to its
// incarnation and to a fingerprint of the entry it points at.
//
// The state as of an instant (WriteState) is the merge of the log entries
// the replica had taken by then: a pushed change when its batch was
// received, any other at its HLC's wall-clock time, as an auditor's replay
// stops. Being a function of that set, it reads the same at any later
// time, so a report as of a date can be made again with the same numbers.
package syncengine
