"""Known answers for Sources/Numerics/SeededGenerator.swift, from an independent Python
transcription of the reference C (https://prng.di.unimi.it/splitmix64.c and
xoshiro256starstar.c). Prints Swift literals pasted into SeededGeneratorTests.swift.

    /work/refvenv/bin/python scripts/reference/seeded_generator.py
"""
M = (1 << 64) - 1


def splitmix64(seed):
    x = seed
    while True:
        x = (x + 0x9E3779B97F4A7C15) & M
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        yield z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def xoshiro256starstar(seed):
    sm = splitmix64(seed)
    s = [next(sm) for _ in range(4)]
    while True:
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield result


if __name__ == "__main__":
    sm = splitmix64(1234567)
    print("splitmix64(1234567):", [next(sm) for _ in range(3)])
    for seed in (0, 42):
        g = xoshiro256starstar(seed)
        print(f"xoshiro256**(seed {seed}):", [next(g) for _ in range(5)])
