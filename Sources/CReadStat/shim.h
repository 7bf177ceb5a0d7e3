#ifndef ALLIANCE_CREADSTAT_SHIM_H
#define ALLIANCE_CREADSTAT_SHIM_H
// Debian's libreadstat-dev installs readstat.h in /usr/include and libreadstat.so, with no pkg-config file.
#include <sys/types.h>
#include <readstat.h>
#endif
