// Numerics: see docs/architecture.md
