/* The host layer: what runtimes that are not Python call (include/mbhost.h
 * and include/mbdlpack.h): exporter types made of callbacks, host arrays,
 * the function forms of macros, and the DLPack bridge.  All a higher
 * layer would include of it (runtime.h explains the layers).
 */
#ifndef MB_HOST_LAYER_H
#define MB_HOST_LAYER_H

#include "../objects/objects.h"

#endif /* !MB_HOST_LAYER_H */
