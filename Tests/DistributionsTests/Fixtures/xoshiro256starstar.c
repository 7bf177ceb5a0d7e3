/* Reference outputs for SeededGenerator: xoshiro256** 1.0 (Blackman & Vigna, public domain,
   https://prng.di.unimi.it/xoshiro256starstar.c) seeded by SplitMix64 (Vigna, public domain,
   https://prng.di.unimi.it/splitmix64.c), exactly as the algorithms are published.
   Build and run:  gcc -O2 -o /tmp/xoshiro xoshiro256starstar.c && /tmp/xoshiro > xoshiro256starstar.txt
   Output lines: seed, then the first 10 outputs of next(), all as unsigned decimal. */
#include <stdint.h>
#include <stdio.h>

static uint64_t splitmix_state;

static uint64_t splitmix64_next(void) {
    uint64_t z = (splitmix_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t s[4];

static uint64_t next(void) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int main(void) {
    const uint64_t seeds[] = {0ULL, 1ULL, 42ULL, 20240601ULL, 0xFFFFFFFFFFFFFFFFULL};
    for (int i = 0; i < 5; i++) {
        splitmix_state = seeds[i];
        for (int j = 0; j < 4; j++) s[j] = splitmix64_next();
        printf("%llu", (unsigned long long)seeds[i]);
        for (int n = 0; n < 10; n++) printf(" %llu", (unsigned long long)next());
        printf("\n");
    }
    return 0;
}
