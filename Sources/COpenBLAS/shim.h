// OpenBLAS's CBLAS interface for the Enhancer's matrix products.
// Debian's libopenblas-dev puts cblas.h under openblas-pthread/ (found via pkg-config openblas);
// openblas_set_num_threads lets the engine honour a --threads setting.
#include <cblas.h>
