// Plotting: see docs/architecture.md
