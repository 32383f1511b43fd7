#!/usr/bin/env python3
"""Reference outputs of SplitMix64 for TfRandomBitsFeederTest.

A line-by-line port of Sebastiano Vigna's splitmix64.c (https://prng.di.unimi.it/splitmix64.c, public domain):

    uint64_t next() {
        uint64_t z = (x += 0x9e3779b97f4a7c15);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }

Prints, for each start state, the state and the first five outputs as signed 64-bit integers (Java's long).
Run: python3 splitmix64_reference.py > ../resources/random/splitmix64-reference.txt
"""

MASK = (1 << 64) - 1


def outputs(state, count):
    values = []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        values.append(z ^ (z >> 31))
    return values


def signed(value):
    return value - (1 << 64) if value >= 1 << 63 else value


for start in (0, 1234567, (1 << 64) - 1):
    print(signed(start), *(signed(v) for v in outputs(start, 5)))
