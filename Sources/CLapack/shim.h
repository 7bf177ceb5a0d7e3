#ifndef ALLIANCE_CLAPACK_SHIM_H
#define ALLIANCE_CLAPACK_SHIM_H
// Debian's libopenblas-dev puts cblas.h under an openblas-* include directory that
// pkg-config (openblas.pc) adds; liblapacke-dev puts lapacke.h in /usr/include.
#include <cblas.h>
#include <lapacke.h>
// OpenBLAS ends its worker threads (a later threaded call starts them again). Not declared in cblas.h.
int blas_thread_shutdown_(void);
#endif
