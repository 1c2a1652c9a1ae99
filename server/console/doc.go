// Package console is the district server's web console for its operators,
// served by hodan-server at every path outside the sync API's /v1: an
// overview of the communes (households, laptops, freshness) with a chart,
// the programme's reports (package indicators: the figures of a period as
// of a day per commune and in total, charts drawn as inline SVG, the
// downloads, what waits on people) and the year's targets, the laptops
// (last sync, refusals waiting, revoke), enrollment codes to make and
// print, the pairs of households that may be one family registered twice
// (merged here, after a confirmation, with the operation laptops run:
// ops.MergeHouseholds), the open conflicts side by side (one value kept
// with the operation of the officer's app, ops.ResolveKeeping; a conflict
// resolved meanwhile is said so and nothing is written), repeated
// support, the operators' accounts, and the audit (checkpoints,
// verification, the export, the action log).
//
// It is Vietnamese first (English with ?lang=en, remembered in a cookie, or
// from the browser's Accept-Language), server-rendered from html/template
// with its templates and stylesheet embedded, and works as plain forms:
// post, then redirect with a flash message. One middleware chain serves
// every request: the guard of package internal/web (Host, Origin, security
// headers), the language, the operator's session from the hodan_console
// cookie (HttpOnly, SameSite=Strict, Secure under TLS), and the session's
// CSRF token on every POST. Every page checks the operator's permission and
// communes (package server/accounts) and answers 403 otherwise, changing
// nothing; every action is written to the action log the auditor reads.
package console
