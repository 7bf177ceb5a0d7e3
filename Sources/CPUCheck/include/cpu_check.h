#ifndef ALLIANCE_CPU_CHECK_H
#define ALLIANCE_CPU_CHECK_H
/// 3 when the release build was compiled for x86-64-v3 (`Scripts/cpu-flags.sh`), 1 otherwise.
int alliance_processor_level(void);
#endif
