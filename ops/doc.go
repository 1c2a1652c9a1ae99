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
// may write (a laptop's enrollment, or a server operator's account, nil
// meaning every commune). Errors a person reads are *i18n.Error (a message
// key and its arguments), said in the reader's language when shown;
// Explain says any error, the engine's and the schema's too, in a
// language, and Code names it for programs.
package ops
