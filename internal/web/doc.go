// Package web holds what Hodan's two web front ends share — the officer's
// app on a laptop (`hodan ui`) and the operator's console on the district
// server: the guard every request passes (Host and Origin checks against
// DNS rebinding and cross-site forms, security headers with a strict
// Content-Security-Policy), CSRF tokens, cookies (the flash message after
// a redirect, the language chosen), template loading, and the stylesheet
// both embed. Pages are server-rendered from
// html/template, work as plain forms (post, then redirect), and load
// nothing from the internet.
package web
