// SwiftPM needs one source file per C target; the interface is OpenBLAS's own (CMuJoBLAS.h).
#include "CMuJoBLAS.h"
