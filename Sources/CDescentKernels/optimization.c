// Whether this target was compiled with optimisation. Every file of a C target is compiled with the
// same flags, so this file answers for the kernels beside it: SwiftPM's debug configuration builds
// them at -O0, where a training run takes about 25 times as long (DescentBuild).
#include "CDescentKernels.h"

bool descent_kernels_optimized(void) {
#ifdef __OPTIMIZE__
    return true;
#else
    return false;
#endif
}
