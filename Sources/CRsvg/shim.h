#ifndef ALLIANCE_CRSVG_SHIM_H
#define ALLIANCE_CRSVG_SHIM_H
// librsvg (librsvg2-dev) parses and draws SVG onto cairo surfaces; cairo writes the PDF and PNG bytes.
#include <librsvg/rsvg.h>
#include <cairo.h>
#include <cairo-pdf.h>
#endif
