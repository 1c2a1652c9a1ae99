// Package ops is what a person does to Hodan's data, once, for every front
// end: the officer's CLI (hodan), the officer's web app (hodan ui) and the
// district server (hodan-server and its console) call the same functions
// and render what they return. A front end parses, calls and renders; a
// rule about the data lives here, or below, in reconcile, syncengine and
// schema, never in a front end.
//
// Each operation is a function over a replica (*syncengine.DB), or over its
// write transaction (*syncengine.Tx) where it must compose with another in
// one transaction, and takes an Actor: who does it, and the communes they
// may write. A laptop acts for its enrollment (Device.Actor); a server
// operator for their account's communes, nil meaning every commune.
//
// # Operations
//
//   - Records (records.go, list.go): AddRecord, UpdateRecord and
//     DeleteRecord check values by the schema, fill what nobody types
//     (ApplyDefaults), keep to the actor's communes and refuse a
//     reference to another commune's record; a delete asks first
//     (reconcile.DeleteRecord). List searches names without diacritics;
//     Show finds a record by its name or the beginning of its id
//     (ResolveID), names the records it refers to, and says who deleted
//     one that is gone.
//   - Words (typed.go, valuetext.go): what a person types for a value is
//     read as import reads it — a value of a list by its Vietnamese word,
//     an ethnic group by its name (ParseTyped) — and values are said as
//     people read them (ChoiceText, CodeText).
//   - History (history.go): every write of each field of a record that the
//     replica's log holds, who made it, when, what it replaced and what
//     became of it, ranked by the merge's own order (syncengine.CellHistory)
//     and listed by stamp, then replica, then field.
//   - Guided visits (visit.go, visit_head.go, drafts.go): SaveVisit
//     writes a form's answers and everything they target in one
//     transaction; the question loop is the front end's. A member
//     question offers the household's head (VisitCandidates), recorded as
//     a member when picked. The web app keeps a visit's answers after each
//     step as a Draft in the laptop's own table, which the save deletes in
//     its transaction.
//   - Support (support.go): SupportRepeats says, before a support record
//     is written, whether it gives the household a kind the programmes
//     allow once (ever, or a year) again, by reconcile's rule.
//   - Merges (merge.go): MergeHouseholds points the dropped household at
//     the kept one and SettleMerges makes the merges every replica holds
//     mean one thing; a laptop settles after each sync (Sync), the server
//     after a merge of its own and, in the background, whenever a read
//     finds anything to settle (settler.go: Settler, SettlePending).
//   - Conflicts and orphans (conflicts.go, orphans.go): listed, found by
//     the beginning of their ids, resolved (keeping this laptop's value,
//     the other's, either write's, or a new one) or settled with ordinary
//     writes that sync.
//   - Import and export (importing*.go, exporting*.go): a household list
//     from a path or an upload, checked row by row and written in one
//     transaction or not at all; a table's grid or the visits report as
//     XLSX or CSV, written whole or not at all.
//   - The laptop (device.go, enroll.go, sync.go, status.go, clock.go): its
//     enrollment and signing key, its whole sync, what it has to tell its
//     officer, whether its clock can be right (the Day it records for) and
//     how far it is off the server's after a sync (ClockOff).
//
// # Errors
//
// Errors a person reads are *i18n.Error (a message key and its
// arguments), said in the reader's language only when shown: Explain says
// any error, the engine's and the schema's too, in a language, and Code
// names it for programs, so that every front end says what the CLI says.
package ops
