package httpd

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/server/registry"
	"hodan/syncengine"
)

// checkShape refuses, for the whole batch, a change that no correct device
// of this schema version could have sent.
func checkShape(c *syncengine.Change, device syncengine.SiteID) error {
	bad := func(code, format string, args ...any) error {
		return fail(code, fmt.Sprintf("change #%d: ", c.Seq)+fmt.Sprintf(format, args...))
	}
	if c.Site != device {
		return bad(syncengine.CodeForeignOrigin, "written by site %s, not by this device (%s); a device pushes only its own changes", c.Site, device)
	}
	if c.Seq == 0 || c.HLC == 0 || c.CL == 0 || c.Scope == "" {
		return bad(syncengine.CodeBadRequest, "seq, hlc, causal length and scope must all be set")
	}
	t, ok := schema.TableByName(c.Table)
	if !ok {
		return bad(syncengine.CodeUnknownTable, "this server knows no table %q; upgrade the server", c.Table)
	}
	if c.IsExists() {
		if !c.Value.IsNull() {
			return bad(syncengine.CodeBadRequest, "a row-existence change carries no value")
		}
		return nil
	}
	col, ok := t.Column(c.Column)
	if !ok {
		return bad(syncengine.CodeUnknownColumn, "this server knows no column %q in %s; upgrade the server", c.Column, c.Table)
	}
	if !syncengine.Alive(c.CL) {
		return bad(syncengine.CodeBadRequest, "a cell is written to a live row, whose causal length is odd, not %d", c.CL)
	}
	if err := col.Check(c.Value.Any()); err != nil && textRule(err) == "" {
		return bad(syncengine.CodeInvalidValue, "%s.%s: %v", c.Table, c.Column, err)
	}
	return nil
}

// A value its column refuses is refused in one of three ways. A value no
// device of this schema version could have sent (a type, a choice, a
// range) refuses the whole batch, as a version skew: nothing is lost, the
// laptop keeps it until one side is upgraded. Text no field may hold (a
// control or bidi character, a line break outside notes) and a date
// before schema.EarliestDate (a clock that read 1980 under an older hodan)
// refuse that change alone (textRule "refuse"): a laptop of an older
// version may hold one, and its other changes must still go through; the
// officer sees the refusal and corrects the field. Text that only breaks what entry
// points now clean (not NFC, spaces at the ends: "keep") reads the same
// as its clean form, and is kept as the laptop wrote it.
func textRule(err error) string {
	var se *schema.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Reason {
	case schema.ReasonControl, schema.ReasonBidi, schema.ReasonLineBreak, schema.ReasonEarlyDate:
		return "refuse"
	case schema.ReasonUntrimmed, schema.ReasonNotNFC:
		return "keep"
	}
	return ""
}

// checkValue refuses text no field may hold and early dates, change by
// change (see textRule), with the rule broken for the device to say.
func checkValue(c *syncengine.Change) *syncengine.Rejection {
	if c.IsExists() {
		return nil
	}
	t, _ := schema.TableByName(c.Table)
	col, _ := t.Column(c.Column) // checkShape refused unknown ones
	if err := col.Check(c.Value.Any()); err != nil && textRule(err) == "refuse" {
		rej := &syncengine.Rejection{Code: syncengine.CodeInvalidValue, Message: fmt.Sprintf("%s.%s: %v", c.Table, c.Column, err)}
		if se, ok := errors.AsType[*schema.Error](err); ok {
			rej.Reason, rej.Column, rej.Args = se.Reason, se.Column, se.Args
		}
		return rej
	}
	return nil
}

// vetter refuses, one by one, changes outside the device's communes,
// changes that would tie a row to a row of another commune, an officer
// column naming another officer than the device's (checkOfficer), text no
// field may hold and dates before schema.EarliestDate (checkValue), and
// changes stamped too far ahead of the server's
// clock that the write rule does not explain (syncengine.StampAhead: an
// edit of a value already stamped in the future is stamped just after it,
// and accepted).
func (s *Server) vetter(dev registry.Device) syncengine.Vetter {
	now := s.cfg.Now()
	horizon := syncengine.MakeHLC(now.Add(s.cfg.MaxClockSkew).UnixMilli(), math.MaxUint16)
	return func(c *syncengine.Change, rows syncengine.RowReader) (*syncengine.Rejection, error) {
		if !dev.InScope(c.Scope) {
			return &syncengine.Rejection{Code: syncengine.CodeOutOfScope, Args: []any{c.Scope},
				Message: fmt.Sprintf("commune %s is not among this device's communes (%s)", c.Scope, strings.Join(dev.Communes, ", "))}, nil
		}
		if rej := checkOfficer(c, dev); rej != nil {
			return rej, nil
		}
		if rej := checkValue(c); rej != nil {
			return rej, nil
		}
		if rej, err := checkStamp(c, rows, now, horizon); rej != nil || err != nil {
			return rej, err
		}
		return checkLinks(c, rows)
	}
}

// checkStamp refuses a change stamped past horizon that the write rule
// does not explain: it was written by a clock that runs ahead.
// It fails, deciding nothing, if it cannot read that cell.
func checkStamp(c *syncengine.Change, rows syncengine.RowReader, now time.Time, horizon syncengine.HLC) (*syncengine.Rejection, error) {
	ahead, err := syncengine.StampAhead(c, horizon, rows)
	if err != nil || !ahead {
		return nil, err
	}
	return &syncengine.Rejection{Code: syncengine.CodeClockSkew,
		Message: fmt.Sprintf("written at %s by this laptop's clock, %s ahead of the server: set the laptop's date and time", c.HLC.Time().Format(time.RFC3339), c.HLC.Time().Sub(now).Round(time.Second))}, nil
}

// checkOfficer refuses a value of an officer column other than the
// officer the device is enrolled for: who recorded a visit is the server's
// to say, not the device's.
func checkOfficer(c *syncengine.Change, dev registry.Device) *syncengine.Rejection {
	t, _ := schema.TableByName(c.Table)
	col, ok := t.Column(c.Column)
	if !ok || !col.Officer || (c.Value.Kind() == syncengine.KindText && c.Value.String() == dev.Officer) {
		return nil
	}
	return &syncengine.Rejection{Code: syncengine.CodeForbidden,
		Message: fmt.Sprintf("%s.%s is filled from this device's enrollment (%s); a device cannot set it", c.Table, c.Column, dev.Officer)}
}

// checkLinks keeps a row's links within its commune: a root table's scope
// column must hold the row's scope, and a reference must name a row the
// server knows, of the same commune. A device can only name a row it has
// seen, which came from the server or from the device itself earlier in
// its sequence (so earlier in this batch, or in one the server took
// before): a row the server never heard of is refused, and so is a row
// whose own creation the server refused. The server decides from its log
// alone, in the device's order, so the refusal is the same however often
// the batch is sent.
func checkLinks(c *syncengine.Change, rows syncengine.RowReader) (*syncengine.Rejection, error) {
	t, _ := schema.TableByName(c.Table)
	if c.Column != "" && c.Column == t.ScopeColumn && c.Value.String() != c.Scope {
		return &syncengine.Rejection{Code: syncengine.CodeScopeMismatch,
			Message: fmt.Sprintf("%s.%s is %q but the row belongs to %s", c.Table, c.Column, c.Value.String(), c.Scope)}, nil
	}
	col, ok := t.Column(c.Column)
	if !ok || col.Type != schema.Ref || c.Value.IsNull() {
		return nil, nil
	}
	id, err := uuid.Parse(c.Value.String())
	if err != nil {
		return nil, nil // checkShape has refused it already
	}
	scope, _, err := rows.Row(col.Refers, id)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", c.Table, c.Column, err)
	}
	if scope == "" {
		return &syncengine.Rejection{Code: syncengine.CodeNotFound,
			Message: fmt.Sprintf("%s.%s names %s %s, a row this server never heard of: a device names only rows it pulled from the server or wrote itself before", c.Table, c.Column, col.Refers, id)}, nil
	}
	if scope != c.Scope {
		return &syncengine.Rejection{Code: syncengine.CodeOutOfScope,
			Message: fmt.Sprintf("%s.%s names a row of %s that is not in commune %s", c.Table, c.Column, col.Refers, c.Scope)}, nil
	}
	return nil, nil
}
