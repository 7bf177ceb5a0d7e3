#ifndef ALLIANCE_CMALLOC_SHIM_H
#define ALLIANCE_CMALLOC_SHIM_H
// glibc malloc tuning (mallopt) for the executable; header only, nothing to link.
#include <malloc.h>
#endif
