#ifndef ALLIANCE_CNLOPT_SHIM_H
#define ALLIANCE_CNLOPT_SHIM_H
// NLopt (libnlopt-dev puts nlopt.h in /usr/include): Powell's BOBYQA and NEWUOA for bounded
// derivative-free minimisation, used through Sources/Optimization only.
#include <nlopt.h>
#endif
