/* Reference outputs for SeededGenerator's independent streams: xoshiro256** 1.0 with the jump() and
   long_jump() functions of the public-domain reference code (Blackman & Vigna,
   https://prng.di.unimi.it/xoshiro256starstar.c), seeded by SplitMix64 (https://prng.di.unimi.it/splitmix64.c),
   written out from the published algorithm and constants.
   Build and run:  gcc -O2 -o /tmp/xoshiro_jump xoshiro256starstar_jump.c && /tmp/xoshiro_jump > xoshiro256starstar_jump.txt
   Output lines (unsigned decimal), for each seed:
     jump SEED  then the first 8 outputs of next() after one jump()
     longjump SEED  then the first 8 outputs after one long_jump()
     stream SEED K  then the first 8 outputs after K jumps (K = 0 … 4)
     drawnjump SEED  then 8 outputs after 3 draws and one jump() (a jump from a state that has moved) */
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

/* Equivalent to 2^128 calls to next(). */
static void jump_with(const uint64_t table[4]) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (table[i] & UINT64_C(1) << b) {
                s0 ^= s[0];
                s1 ^= s[1];
                s2 ^= s[2];
                s3 ^= s[3];
            }
            next();
        }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
}

static const uint64_t JUMP[4] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL, 0xa9582618e03fc9aaULL,
                                 0x39abdc4529b1661cULL};
/* Equivalent to 2^192 calls to next(). */
static const uint64_t LONG_JUMP[4] = {0x76e15d3efefdcbbfULL, 0xc5004e441c522fb3ULL, 0x77710069854ee241ULL,
                                      0x39109bb02acbe635ULL};

static void seed(uint64_t value) {
    splitmix_state = value;
    for (int j = 0; j < 4; j++) s[j] = splitmix64_next();
}

static void outputs(void) {
    for (int n = 0; n < 8; n++) printf(" %llu", (unsigned long long)next());
    printf("\n");
}

int main(void) {
    const uint64_t seeds[] = {0ULL, 42ULL, 20240601ULL, 0xFFFFFFFFFFFFFFFFULL};
    for (int i = 0; i < 4; i++) {
        seed(seeds[i]);
        jump_with(JUMP);
        printf("jump %llu", (unsigned long long)seeds[i]);
        outputs();
        seed(seeds[i]);
        jump_with(LONG_JUMP);
        printf("longjump %llu", (unsigned long long)seeds[i]);
        outputs();
        for (int k = 0; k <= 4; k++) {
            seed(seeds[i]);
            for (int j = 0; j < k; j++) jump_with(JUMP);
            printf("stream %llu %d", (unsigned long long)seeds[i], k);
            outputs();
        }
        seed(seeds[i]);
        for (int d = 0; d < 3; d++) next();
        jump_with(JUMP);
        printf("drawnjump %llu", (unsigned long long)seeds[i]);
        outputs();
    }
    return 0;
}
