/* Whether this machine's two CPUs run side by side at full speed: the same vector-FMA loop timed on
 * CPU 0 alone, on CPU 1 alone, then on both at once (each thread pinned), every half second. On two
 * free cores "together" equals "alone"; on a VM whose host runs its two vCPUs on the two hardware
 * threads of one physical core, "together" takes up to twice as long while it does. The Java
 * benchmarks read the same thing with io.github.keypoints.examples.VcpuPairProbe (unpinned, from the
 * JVM); this program needs neither a JVM nor a JIT. docs/performance.md, "Two vCPUs that sometimes
 * share a core".
 *
 *   gcc -O2 -mavx512f -mfma -pthread -o vcpu_pair bench/vcpu_pair.c && ./vcpu_pair 2000000 180
 *
 * (arguments: loop length, seconds). Prints one line per half second.
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }
static volatile float sink;
/* FMA throughput: 8 independent 512-bit accumulators */
static double fma_ms(long n) {
  __m512 a[8]; __m512 m = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(0.001f);
  for (int i = 0; i < 8; i++) a[i] = _mm512_set1_ps(i);
  double t0 = now();
  for (long k = 0; k < n; k++) for (int i = 0; i < 8; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
  double t = (now() - t0) * 1e3;
  __m512 s = a[0]; for (int i = 1; i < 8; i++) s = _mm512_add_ps(s, a[i]);
  sink = _mm512_reduce_add_ps(s);
  return t;
}
static long N;
static double res[2];
static void *worker(void *p) { int cpu = (int)(long)p; pin(cpu); res[cpu] = fma_ms(N); return 0; }
int main(int argc, char **argv) {
  N = argc > 1 ? atol(argv[1]) : 2000000; int secs = argc > 2 ? atoi(argv[2]) : 60;
  double start = now();
  while (now() - start < secs) {
    pthread_t t; double alone[2];
    for (int cpu = 0; cpu < 2; cpu++) { pthread_create(&t, 0, worker, (void *)(long)cpu); pthread_join(t, 0); alone[cpu] = res[cpu]; }
    pthread_t t0, t1; pthread_create(&t0, 0, worker, (void *)0L); pthread_create(&t1, 0, worker, (void *)1L); pthread_join(t0, 0); pthread_join(t1, 0);
    printf("%6.1f s  alone cpu0 %6.2f cpu1 %6.2f ms | together cpu0 %6.2f cpu1 %6.2f ms\n", now() - start, alone[0], alone[1], res[0], res[1]);
    fflush(stdout);
    usleep(500000);
  }
  return 0;
}
