#ifndef ALLIANCE_CPREFETCH_SHIM_H
#define ALLIANCE_CPREFETCH_SHIM_H
// A software prefetch, for reads of many streams at once that the hardware prefetchers follow too late (the Cox
// model's covariate columns, read a block of rows at a time). Header only, nothing to link; a prefetch never faults.
static inline void alliance_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
