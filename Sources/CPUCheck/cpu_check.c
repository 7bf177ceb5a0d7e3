// A release binary built for x86-64-v3 (AVX2, FMA, BMI1/2, …; `Scripts/cpu-flags.sh`) stops with a message on a processor
// without them, before any of its Swift code runs, instead of dying on the first AVX instruction with SIGILL. This file
// is compiled without those flags (only the Swift code gets them), so the check itself runs anywhere.
#include "cpu_check.h"
#include <unistd.h>

#if defined(ALLIANCE_X86_64_V3) && defined(__x86_64__)
__attribute__((constructor)) static void alliance_check_processor(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("x86-64-v3")) {
        static const char message[] =
            "alliance: this binary was built for x86-64 processors with AVX2 (x86-64-v3: Intel Haswell or AMD Zen and later), "
            "and this processor lacks it. Rebuild it on this machine with `make release`, or for any x86-64 processor "
            "with `make release CPU_FLAGS=`.\n";
        ssize_t written = write(2, message, sizeof message - 1);
        (void)written;
        _exit(69);  // EX_UNAVAILABLE
    }
}
#endif
