/* The constant-time cases of the benchmark with minibuf and CPython in one
 * process, timed in turns: bench/bench.c is built twice, against minibuf
 * (renamed by python/rename.sh, in a shared library of its own, as
 * libminibuf is) and against CPython (its shared library), each with main
 * renamed; each side runs in a thread of its own, both pinned to one
 * processor, and hands every case to hot_paths_case(), which lets the two
 * sides take turns: SAMPLES bursts each, the side that goes first
 * alternating.  Each burst is the same number of calls on both sides.
 * Separate processes on a shared machine drift by tens of percent from
 * one run to the next; bursts a few milliseconds apart see the same
 * machine, so the ratio of each pair is what the cases compare.
 *
 * Output: a line per case,
 *
 *     case <TAB> minibuf seconds <TAB> CPython seconds <TAB> ratio
 *
 * the medians of the bursts' seconds per call, and the median of the
 * pairs' ratios (CPython's time over minibuf's: above 1, minibuf is
 * faster).
 *
 * usage: hot_paths
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

enum { MINIBUF, CPYTHON, SIDES };
enum { SAMPLES = 31 };

/* bench/bench.c's main, as each side was built. */
int minibuf_side_main(int argc, char **argv);
int cpython_side_main(int argc, char **argv);

/* The schedule both sides follow, one step at a time: for each case,
   step 0 (minibuf's) sets the calls per burst, then 2 * SAMPLES bursts.
   `step` counts from the first case on; a side waits for its steps. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t moved = PTHREAD_COND_INITIALIZER;
static long step;
static long calls;
static const char *name_of_case;
static double seconds[SIDES][SAMPLES];

enum { STEPS_PER_CASE = 1 + 2 * SAMPLES };

static double
median(const double *values, int n)
{
    double sorted[SAMPLES];
    memcpy(sorted, values, (size_t)n * sizeof(double));
    qsort(sorted, (size_t)n, sizeof(double), compare_doubles);
    return sorted[n / 2];
}

/* The side that takes step k (0 .. STEPS_PER_CASE - 1) of a case, and the
   sample it times (-1 for the calibration). */
static int
side_of_step(int k, int *sample)
{
    if (k == 0) {
        *sample = -1;
        return MINIBUF;
    }
    int s = (k - 1) / 2, second = (k - 1) % 2;
    *sample = s;
    return (s % 2 == 0) == (second == 0) ? MINIBUF : CPYTHON;
}

/* Seconds for `n` calls of fn(args). */
static double
burst(void (*fn)(void *), void *args, long n)
{
    double start = now();
    for (long i = 0; i < n; i++) {
        fn(args);
    }
    return now() - start;
}

static void
print_case(void)
{
    double ratios[SAMPLES];
    for (int s = 0; s < SAMPLES; s++) {
        ratios[s] = seconds[CPYTHON][s] / seconds[MINIBUF][s];
    }
    printf("%s\t%.6e\t%.6e\t%.3f\n", name_of_case,
           median(seconds[MINIBUF], SAMPLES) / (double)calls,
           median(seconds[CPYTHON], SAMPLES) / (double)calls,
           median(ratios, SAMPLES));
    fflush(stdout);
}

/* Called by each side's report() for each case, in the same order on both
   sides. */
void
hot_paths_case(int side, const char *name, void (*fn)(void *), void *args)
{
    static long cases_seen[SIDES];
    long base = cases_seen[side]++ * STEPS_PER_CASE;
    for (int k = 0; k < STEPS_PER_CASE; k++) {
        int sample;
        if (side_of_step(k, &sample) != side) {
            continue;
        }
        pthread_mutex_lock(&lock);
        while (step != base + k) {
            pthread_cond_wait(&moved, &lock);
        }
        pthread_mutex_unlock(&lock);
        if (sample < 0) {
            name_of_case = name;
            for (calls = 1000; burst(fn, args, calls) < 0.002; calls *= 2) {
            }
        }
        else {
            if (strcmp(name, name_of_case) != 0) {
                fprintf(stderr, "hot_paths: the sides disagree: %s, %s\n",
                        name, name_of_case);
                exit(1);
            }
            seconds[side][sample] = burst(fn, args, calls);
            if (k == STEPS_PER_CASE - 1) {
                print_case();
            }
        }
        pthread_mutex_lock(&lock);
        step++;
        pthread_cond_broadcast(&moved);
        pthread_mutex_unlock(&lock);
    }
}

static void *
minibuf_thread(void *unused)
{
    (void)unused;
    char *argv[] = {"hot_paths", NULL};
    minibuf_side_main(1, argv);
    return NULL;
}

int
main(void)
{
    /* Both sides on the processor this starts on. */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof(one), &one);
    pthread_t thread;
    if (pthread_create(&thread, NULL, minibuf_thread, NULL) != 0) {
        fprintf(stderr, "hot_paths: cannot start a thread\n");
        return 1;
    }
    char *argv[] = {"hot_paths", NULL};
    cpython_side_main(1, argv);
    pthread_join(thread, NULL);
    return 0;
}
