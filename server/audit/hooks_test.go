package audit

// SetReplayBatch sets how many entries a replay merges in one
// transaction, for tests that need many batches from a small log, and
// returns a function that restores it.
func SetReplayBatch(n int) (restore func()) {
	old := replayBatch
	replayBatch = n
	return func() { replayBatch = old }
}
