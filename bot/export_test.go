package bot

// SetInvalidThreshold lowers the invalid request threshold of b for a test.
func SetInvalidThreshold(b *Bot, n int) {
	b.dl.budget.mu.Lock()
	defer b.dl.budget.mu.Unlock()
	b.dl.budget.threshold = n
}
