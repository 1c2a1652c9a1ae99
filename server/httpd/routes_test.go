package httpd_test

import (
	"net/http"
	"testing"

	"hodan/syncengine"
)

func TestUnknownRoutesAndMethodsAnswerJSON(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	tests := []struct {
		name   string
		method string
		path   string
		auth   string
		status int
		code   string
	}{
		{"unknown route", http.MethodGet, "/v1/households", "", http.StatusNotFound, syncengine.CodeNotFound},
		{"unknown route, with a token", http.MethodGet, "/v1/households", bearer(dev.Token), http.StatusNotFound, syncengine.CodeNotFound},
		{"unknown version", http.MethodPost, "/v2/push", "", http.StatusNotFound, syncengine.CodeNotFound},
		{"root", http.MethodGet, "/", "", http.StatusNotFound, syncengine.CodeNotFound},
		{"GET of push", http.MethodGet, syncengine.PathPush, bearer(dev.Token), http.StatusMethodNotAllowed, "method_not_allowed"},
		{"DELETE of pull", http.MethodDelete, syncengine.PathPull, bearer(dev.Token), http.StatusMethodNotAllowed, "method_not_allowed"},
		{"GET of enroll", http.MethodGet, syncengine.PathEnroll, "", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"POST of health", http.MethodPost, "/v1/health", "", http.StatusMethodNotAllowed, "method_not_allowed"},
	}
	// Unknown routes are not_found and known routes with another method
	// method_not_allowed, whether or not a token is sent: neither needs one
	// to be explained.
	before := mustState(t, ts.DB)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.send(t, request{Method: tt.method, Path: tt.path, Auth: tt.auth})
			assertError(t, resp, tt.status, tt.code)
		})
	}
	assertUnchanged(t, ts.DB, before)
}
