package syncengine

import (
	"context"
	"net/http"
)

// OfficersResponse names the officer of each device whose changes the
// caller may receive: the devices, revoked ones included, enrolled for a
// commune the caller is enrolled for. A laptop learns from it who wrote
// what it pulled (a conflict's sides, who deleted a record) and names them
// offline. It is small (a line a device) and costs the server no pass over
// its log, so a client may ask for it at every sync that pulled something;
// it used to learn the names from GET /v1/conflicts, which reads a
// commune's whole log.
type OfficersResponse struct {
	Officers []SiteOfficer `json:"officers"`
}

// SiteOfficer is one device and its officer.
type SiteOfficer struct {
	Site    SiteID `json:"site_id"`
	Officer string `json:"officer"`
}

// Officers asks the server for the officers of the devices whose changes
// this device may receive. A server older than the endpoint answers an
// *Error with CodeNotFound.
func (c *Client) Officers(ctx context.Context) ([]SiteOfficer, error) {
	var or OfficersResponse
	err := c.do(ctx, http.MethodGet, PathOfficers, nil, &or)
	return or.Officers, err
}
