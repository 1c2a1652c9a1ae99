// Package ui is the officer's app in the browser, served by `hodan ui`
// from the laptop's own database, for weeks without a network: the
// household list and search, a household with its members, visits,
// support and damage and the history of every field, add, edit and delete
// checked field by field, the guided visit forms of schema/forms asked in
// steps and kept as drafts as they are typed, conflicts and duplicate households
// side by side and settled with one click, records waiting to be settled,
// import of a commune's list and export of any table, and sync, by a
// button and in the background.
//
// It holds no rule about the data: every handler parses, calls package
// ops and renders. Pages are server-rendered from html/template with
// their templates, stylesheet and script embedded (nothing comes from the
// internet), work as plain forms (post, then redirect with a flash
// message), and are Vietnamese first from the shared catalogue.
//
// It listens on loopback only and trusts no request for that: one
// middleware chain refuses a request whose Host is not its own (DNS
// rebinding) or that comes from another site's page (web.Guard), and one
// that carries no session. A session is had only by opening the address
// with the secret `hodan ui` made at start (GET /open?s=…), which it puts
// in a file only the officer can read and opens in the browser; the secret
// is exchanged for an HttpOnly, SameSite=Strict cookie and leaves the
// address bar. Every form carries the session's CSRF token, and a token
// of its own that makes a form sent twice written once (once.go).
package ui
