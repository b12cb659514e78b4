// WordPiece: see docs/architecture.md
