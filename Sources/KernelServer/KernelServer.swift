// KernelServer: see docs/architecture.md
