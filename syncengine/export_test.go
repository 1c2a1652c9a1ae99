package syncengine

import "context"

// The engine's tests apply one batch at a time; the server applies groups
// (ApplyReceivedGroup).

// ApplyPush applies one pushed batch without a receipt, by
// ApplyReceivedGroup's rules.
func (db *DB) ApplyPush(ctx context.Context, batch []Change, vet Vetter) (PushResult, error) {
	return db.ApplyReceived(ctx, batch, vet, nil)
}

// ApplyReceived applies one received batch with its receipt, by
// ApplyReceivedGroup's rules.
func (db *DB) ApplyReceived(ctx context.Context, batch []Change, vet Vetter, receipt *Receipt) (PushResult, error) {
	r := db.ApplyReceivedGroup(ctx, []Received{{Changes: batch, Vet: vet, Receipt: receipt}})
	return r[0].Result, r[0].Err
}
