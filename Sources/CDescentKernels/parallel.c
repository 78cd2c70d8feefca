// A small pool of worker threads for the training loop's parallel products, hand-written rather
// than Dispatch because a library pool parks its idle threads, and waking one is what this workload
// cannot afford. A product of one batch takes 50-500 µs; Dispatch's concurrentPerform woke a worker
// for each, and on a 2-core machine the wake-up took about as long as the work, so a second thread
// barely helped (T trained at 0.65 s an epoch on two threads against 0.62 on one). Here the
// workers spin for a while after each task, so the next one, a few microseconds later, starts at
// once; idle longer, they sleep.
//
// Spinning pays only while every thread of a run has a CPU of its own. A run never takes more
// threads than the process may use (pinned to one core, a container with a one-CPU quota): the
// caller runs the indices left over itself, and on one CPU all of them, waking no one. Where the
// pool still holds more workers than there are CPUs (the CPUs were taken away after it grew), the
// workers sleep at once after each task and the caller sleeps until the last one is done.
//
// Every run uses every worker (a worker whose index is past the run's count does nothing but
// report), and the caller waits for all of them: no worker can still be reading one run's task
// when the next is published. Each task runs in the caller's floating-point mode, with the caller's
// kernel families where the caller chose them for its thread.
#define _GNU_SOURCE
#include "kernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef DESCENT_X86
#include <immintrin.h>
static inline void relax(void) { _mm_pause(); }
#elif defined(DESCENT_ARM64)
static inline void relax(void) { __asm__ __volatile__("yield"); }
#else
static inline void relax(void) {}
#endif

#define MAX_WORKERS 63
// About 1-2 ms of pause instructions before a worker sleeps: longer than the gaps between a
// training step's products, shorter than anything a person would notice as a busy core.
#define SPIN_LIMIT 20000
// How often (in runs) the CPUs the process may use are read again: cheap, but not free.
#define CPU_RECHECK 4096

static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;   // one run at a time; growth
static pthread_mutex_t sleep_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t finish_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finish_cond = PTHREAD_COND_INITIALIZER;
static long workers;                                                // started so far
static _Atomic long generation;                                     // bumped to publish a run
static _Atomic long sleepers;
static _Atomic long pending;                                        // workers yet to finish this run
static _Atomic long done[MAX_WORKERS];                              // the last generation each finished
static descent_task run_task;
static void *run_context;
static long run_count;
static unsigned long run_mode;                                      // the caller's floating-point mode
static int run_family;                                              // the caller's own kernel family, or -1
static int run_bf16_family;                                         // and its own bfloat16 family, or -1
static bool run_products_bf16;                                      // and whether its products are in bfloat16
static _Atomic int run_spins;                                       // whether this run's threads may spin
static long runs_since_check = CPU_RECHECK;
static long cpus_cached = 1;
static long cpus_override;                                          // tests only: 0, or the CPUs to assume
static _Atomic long spin_count;                                     // pauses spent waiting, by every thread
static _Thread_local int inside_task;

// MARK: - The CPUs this process may use

#ifdef __linux__
// The cgroup's CPU limit in whole CPUs (rounded up), or 0 where none is set or none can be read.
static long cgroup_cpus(void) {
    long quota = 0, period = 0;
    FILE *file = fopen("/sys/fs/cgroup/cpu.max", "r");  // cgroup v2: "max 100000" or "150000 100000"
    if (file) {
        char first[32] = {0};
        if (fscanf(file, "%31s %ld", first, &period) == 2 && first[0] != 'm') quota = strtol(first, 0, 10);
        fclose(file);
    } else if ((file = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r"))) {  // cgroup v1
        if (fscanf(file, "%ld", &quota) != 1) quota = 0;
        fclose(file);
        if ((file = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r"))) {
            if (fscanf(file, "%ld", &period) != 1) period = 0;
            fclose(file);
        }
    }
    if (quota <= 0 || period <= 0) return 0;
    return (quota + period - 1) / period;
}
#endif

long descent_available_cpus(void) {
    long cpus = 0;
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
    long quota = cgroup_cpus();
    if (quota > 0 && (cpus == 0 || quota < cpus)) cpus = quota;
#endif
    if (cpus <= 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        cpus = online > 0 ? online : 1;
    }
    return cpus;
}

// MARK: - The pool

static void *worker_main(void *argument) {
    long index = (long)(size_t)argument;  // 1-based: the caller is 0
    long seen = atomic_load(&done[index - 1]);  // the generation before the run that started it
    inside_task = 1;  // a worker's every call of descent_parallel_run would wait for itself
    int spin = 1;
    for (;;) {
        long current;
        long spins = 0;
        while ((current = atomic_load(&generation)) == seen) {
            if (spin && ++spins < SPIN_LIMIT) {
                // Now and then let another thread have this CPU: the caller may be waiting on it.
                if (spins % 256 == 0) {
                    atomic_fetch_add_explicit(&spin_count, 256, memory_order_relaxed);
                    sched_yield();
                } else {
                    relax();
                }
                continue;
            }
            pthread_mutex_lock(&sleep_mutex);
            atomic_fetch_add(&sleepers, 1);
            while ((current = atomic_load(&generation)) == seen) pthread_cond_wait(&sleep_cond, &sleep_mutex);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_mutex);
            break;
        }
        seen = current;
        spin = atomic_load(&run_spins);
        if (index < run_count) {
            if (descent_fp_mode() != run_mode) descent_fp_set_mode(run_mode);
            if (descent_kernels_thread_choice() != run_family) descent_kernels_use_on_thread(run_family);
            if (descent_bf16_thread_choice() != run_bf16_family) descent_bf16_use_on_thread(run_bf16_family);
            if (descent_products_bf16_on_thread() != run_products_bf16) descent_products_use_bf16_on_thread(run_products_bf16);
            run_task(run_context, index);
        }
        atomic_store(&done[index - 1], current);
        if (atomic_fetch_sub(&pending, 1) == 1 && !spin) {
            // The last one out wakes the caller, which sleeps in this mode.
            pthread_mutex_lock(&finish_mutex);
            pthread_cond_broadcast(&finish_cond);
            pthread_mutex_unlock(&finish_mutex);
        }
    }
    return NULL;
}

long descent_parallel_run(long count, descent_task task, void *context) {
    if (inside_task) return -1;
    if (count <= 1) {  // no pool, no wait: allowed anywhere
        if (count == 1) task(context, 0);
        return count;
    }
    pthread_mutex_lock(&pool_mutex);
    if (++runs_since_check >= CPU_RECHECK || cpus_override > 0) {
        cpus_cached = cpus_override > 0 ? cpus_override : descent_available_cpus();
        runs_since_check = 0;
    }
    // No more threads than CPUs: on one CPU every index runs here, with no worker to wake or wait for.
    long usable = count < cpus_cached ? count : cpus_cached;
    if (usable <= 1) {
        inside_task = 1;
        for (long index = 0; index < count; index++) task(context, index);
        inside_task = 0;
        pthread_mutex_unlock(&pool_mutex);
        return 1;
    }
    long wanted = usable - 1 < MAX_WORKERS ? usable - 1 : MAX_WORKERS;
    while (workers < wanted) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        atomic_store(&done[workers], atomic_load(&generation));
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)(size_t)(workers + 1));
        pthread_attr_destroy(&attributes);
        if (failed) break;
        workers++;
    }
    // Indices 1..<shared go to the workers; any past them (more than the pool holds, or than there
    // are CPUs) run here.
    long shared = usable < workers + 1 ? usable : workers + 1;
    // Every worker wakes for every run, used or not: spinning pays only while each of them, and the
    // caller, has a CPU of its own.
    int spin = workers + 1 <= cpus_cached;
    run_task = task;
    run_context = context;
    run_count = shared;
    run_mode = descent_fp_mode();
    run_family = descent_kernels_thread_choice();
    run_bf16_family = descent_bf16_thread_choice();
    run_products_bf16 = descent_products_bf16_on_thread();
    atomic_store(&run_spins, spin);
    atomic_store(&pending, workers);
    atomic_fetch_add(&generation, 1);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_mutex);
        pthread_cond_broadcast(&sleep_cond);
        pthread_mutex_unlock(&sleep_mutex);
    }
    inside_task = 1;
    task(context, 0);
    for (long index = shared; index < count; index++) task(context, index);
    inside_task = 0;
    if (spin) {
        // Spin briefly, then yield: were a worker on this same CPU, spinning would keep it from running.
        for (long spins = 1; atomic_load(&pending) != 0; spins++) {
            if (spins % 256 == 0) {
                atomic_fetch_add_explicit(&spin_count, 256, memory_order_relaxed);
                sched_yield();
            } else {
                relax();
            }
        }
    } else {
        pthread_mutex_lock(&finish_mutex);
        while (atomic_load(&pending) != 0) pthread_cond_wait(&finish_cond, &finish_mutex);
        pthread_mutex_unlock(&finish_mutex);
    }
    pthread_mutex_unlock(&pool_mutex);
    return shared;
}

// MARK: - For tests

void descent_parallel_assume_cpus(long cpus) {
    pthread_mutex_lock(&pool_mutex);
    cpus_override = cpus > 0 ? cpus : 0;
    runs_since_check = CPU_RECHECK;  // the next run reads the CPUs again
    pthread_mutex_unlock(&pool_mutex);
}

long descent_parallel_spins(void) { return atomic_load(&spin_count); }

long descent_parallel_workers(void) {
    pthread_mutex_lock(&pool_mutex);
    long count = workers;
    pthread_mutex_unlock(&pool_mutex);
    return count;
}
