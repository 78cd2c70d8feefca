// A small pool of worker threads for the training loop's parallel products, hand-written rather
// than Dispatch because a library pool parks its idle threads, and waking one is what this workload
// cannot afford. A product of one batch takes 50-500 µs; Dispatch's concurrentPerform woke a worker
// for each, and on this 2-core machine the wake-up took about as long as the work, so a second
// thread barely helped (T trained at 0.65 s an epoch on two threads against 0.62 on one). Here the
// workers spin for a while after each task, so the next one, a few microseconds later, starts at
// once; idle longer, they sleep.
//
// Every run uses every worker (a worker whose index is past the run's count does nothing but
// report), and the caller waits for all of them: no worker can still be reading one run's task
// when the next is published.
#include "CDescentKernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
static inline void relax(void) { _mm_pause(); }
#elif defined(__aarch64__)
static inline void relax(void) { __asm__ __volatile__("yield"); }
#else
static inline void relax(void) {}
#endif

#define MAX_WORKERS 63
// About 1-2 ms of pause instructions before a worker sleeps: longer than the gaps between a
// training step's products, shorter than anything a person would notice as a busy core.
#define SPIN_LIMIT 20000

static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;   // one run at a time; growth
static pthread_mutex_t sleep_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
static long workers;                                                // started so far
static _Atomic long generation;                                     // bumped to publish a run
static _Atomic long sleepers;
static _Atomic long done[MAX_WORKERS];                              // the last generation each finished
static descent_task run_task;
static void *run_context;
static long run_count;

static void *worker_main(void *argument) {
    long index = (long)(size_t)argument;  // 1-based: the caller is 0
    long seen = atomic_load(&done[index - 1]);  // the generation before the run that started it
    for (;;) {
        long current;
        long spins = 0;
        while ((current = atomic_load(&generation)) == seen) {
            if (++spins < SPIN_LIMIT) {
                // Now and then let another thread have this CPU: the caller may be waiting on it.
                if (spins % 256 == 0) sched_yield(); else relax();
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
        if (index < run_count) run_task(run_context, index);
        atomic_store(&done[index - 1], current);
    }
    return NULL;
}

long descent_parallel_run(long count, descent_task task, void *context) {
    if (count <= 1) {
        if (count == 1) task(context, 0);
        return count;
    }
    long wanted = count - 1 < MAX_WORKERS ? count - 1 : MAX_WORKERS;
    pthread_mutex_lock(&pool_mutex);
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
    // Indices 1..<shared go to the workers; any past them (more than the pool holds) run here.
    long shared = count < workers + 1 ? count : workers + 1;
    run_task = task;
    run_context = context;
    run_count = shared;
    long current = atomic_fetch_add(&generation, 1) + 1;
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_mutex);
        pthread_cond_broadcast(&sleep_cond);
        pthread_mutex_unlock(&sleep_mutex);
    }
    task(context, 0);
    for (long index = shared; index < count; index++) task(context, index);
    // Spin briefly, then yield: were a worker on this same CPU, spinning would keep it from running.
    for (long worker = 0; worker < workers; worker++)
        for (long spins = 1; atomic_load(&done[worker]) != current; spins++) {
            if (spins % 256 == 0) sched_yield(); else relax();
        }
    pthread_mutex_unlock(&pool_mutex);
    return shared;
}
