#ifndef ALLIANCE_CPU_CHECK_H
#define ALLIANCE_CPU_CHECK_H
// Nothing to call: in a release build compiled for x86-64-v3, cpu_check.c's constructor checks the processor before main.
#endif
