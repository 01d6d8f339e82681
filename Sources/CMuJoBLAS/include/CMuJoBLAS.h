// HOST ONLY. OpenBLAS's CBLAS interface for the float GEMM kernels of MuJoHostCore
// (Kernels/OpenBLAS/). The board's int8 path never includes this header nor links libopenblas.
#ifndef CMUJOBLAS_H
#define CMUJOBLAS_H
#include <cblas.h>
#endif
