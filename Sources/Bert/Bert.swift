// Bert: see docs/architecture.md
