/* A main for a fuzz harness without libFuzzer: runs LLVMFuzzerTestOneInput
 * on every file named on the command line, and on every file in each
 * directory named (in name order).  Exit status 0 when all ran; a broken
 * invariant aborts.
 *
 * Usage: HARNESS PATH...
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    uint8_t *data = NULL;
    size_t size = 0, room = 0;
    for (;;) {
        if (size == room) {
            room = room ? 2 * room : 4096;
            uint8_t *bigger = realloc(data, room);
            if (bigger == NULL) {
                free(data);
                fclose(f);
                return -1;
            }
            data = bigger;
        }
        size_t n = fread(data + size, 1, room - size, f);
        if (n == 0) {
            break;
        }
        size += n;
    }
    fclose(f);
    (void)LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The number of inputs replayed from path, or -1. */
static long
replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        return replay_file(path) < 0 ? -1 : 1;
    }
    struct dirent **entries;
    int n = scandir(path, &entries, NULL, by_name);
    if (n < 0) {
        perror(path);
        return -1;
    }
    long count = 0;
    for (int i = 0; i < n; i++) {
        if (entries[i]->d_name[0] != '.' && count >= 0) {
            size_t length = strlen(path) + strlen(entries[i]->d_name) + 2;
            char *file = malloc(length);
            if (file == NULL) {
                count = -1;
            }
            else {
                snprintf(file, length, "%s/%s", path, entries[i]->d_name);
                count = replay_file(file) < 0 ? -1 : count + 1;
                free(file);
            }
        }
        free(entries[i]);
    }
    free(entries);
    return count;
}

int
main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = replay(argv[i]);
        if (n < 0) {
            return 1;
        }
        total += n;
    }
    Py_Finalize();
    printf("%ld inputs replayed\n", total);
    return 0;
}
