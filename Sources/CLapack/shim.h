#ifndef ALLIANCE_CLAPACK_SHIM_H
#define ALLIANCE_CLAPACK_SHIM_H
// OpenBLAS's own cblas.h (it declares openblas_get_config and the rest): Debian's libopenblas-*-dev put it under an
// openblas-<threading> directory of the multiarch include directory, where <cblas.h> is an alternatives link that may
// name netlib's header instead. lapacke.h (liblapacke-dev) is in /usr/include. Package.swift links the libraries.
#if __has_include(<openblas-pthread/cblas.h>)
#include <openblas-pthread/cblas.h>
#elif __has_include(<openblas-openmp/cblas.h>)
#include <openblas-openmp/cblas.h>
#elif __has_include(<openblas-serial/cblas.h>)
#include <openblas-serial/cblas.h>
#else
#include <cblas.h>
#endif
#include <lapacke.h>
// OpenBLAS ends its worker threads (a later threaded call starts them again). Not declared in cblas.h.
int blas_thread_shutdown_(void);
#endif
