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
// Sync is push then pull over HTTP (Client): push is driven by the server's
// version vector, pull follows the server's log cursor, tied to its
// incarnation and to a fingerprint of the entry it points at.
package syncengine
