// The bert-kernel command line: kernel, install, run, bench.
print("bert-kernel")
