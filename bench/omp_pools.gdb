# Which threads create OpenMP (libgomp) pools, and from where: prints the creating thread's stack at
# every pthread_create; the ones with libgomp frames on top are pools. Used for
# docs/performance-inference.md ("A second OpenMP pool", "MXNet: copies from the calling thread"):
#
#   CP="examples/target/classes:$(cat examples/target/classpath.txt)"
#   ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 gdb -batch -x bench/omp_pools.gdb --args \
#       java -Dai.djl.offline=true -cp "$CP" io.github.keypoints.examples.KeypointsCommand \
#       bench infer --threads 2 --engines MXNet --models nose-tip --no-python --no-landmarker \
#       --reps 20 --reps32 1 --warmup-seconds 0 > pools.txt 2>&1
#   grep -A3 "=== pthread_create" pools.txt | grep -B2 libgomp
#
# The JVM uses these signals itself; gdb must pass them on silently.
set pagination off
set confirm off
handle SIGSEGV nostop noprint pass
handle SIGBUS nostop noprint pass
handle SIGFPE nostop noprint pass
handle SIGILL nostop noprint pass
handle SIGUSR2 nostop noprint pass
handle SIGQUIT nostop noprint pass
set breakpoint pending on
break pthread_create
commands
silent
printf "=== pthread_create thread %d\n", $_thread
bt 14
continue
end
run
