// TestSupport: closeness asserts, gradient checks, fixture paths.
