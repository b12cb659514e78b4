// TextDatasets: see docs/architecture.md
