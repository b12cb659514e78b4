// CellLanguage: see docs/architecture.md
