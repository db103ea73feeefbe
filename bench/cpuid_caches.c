/* The data-cache sizes an x86 CPU reports through CPUID, as oneDNN 3.7.1's Xbyak reads them on AMD
 * (leaf 0x8000001D, sub-leaves 0 to 3) and as older code reads them (leaves 0x80000005 and
 * 0x80000006), for docs/performance-inference.md, "PyTorch on the AMD EPYC of family 26": on our
 * family-26 EPYC VM leaf 0x8000001D is empty although /proc/cpuinfo lists topoext, so Xbyak's
 * formula gives 1 byte per level (TorchOneDnnCaches).
 *
 *   gcc -O0 -o cpuid_caches bench/cpuid_caches.c && ./cpuid_caches
 */
#include <cpuid.h>
#include <stdio.h>

int main(void) {
    unsigned a, b, c, d;
    __cpuid(0x80000000, a, b, c, d);
    printf("highest extended leaf 0x%x\n", a);
    for (unsigned i = 0; i < 4; i++) {
        __cpuid_count(0x8000001D, i, a, b, c, d);
        unsigned ways = ((b >> 22) & 0x3ff) + 1, parts = ((b >> 12) & 0x3ff) + 1;
        unsigned line = (b & 0xfff) + 1, sets = c + 1;
        printf("leaf 0x8000001D.%u: type %u, level %u, sharing %u, raw eax %08x ebx %08x ecx %08x"
               " -> Xbyak's size %u bytes\n",
               i, a & 0x1f, (a >> 5) & 7, ((a >> 14) & 0xfff) + 1, a, b, c,
               ways * parts * line * sets);
    }
    __cpuid(0x80000005, a, b, c, d);
    printf("leaf 0x80000005: L1D %u KB\n", c >> 24);
    __cpuid(0x80000006, a, b, c, d);
    printf("leaf 0x80000006: L2 %u KB, L3 %u x 512 KB\n", c >> 16, d >> 18);
    return 0;
}
