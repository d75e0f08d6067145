/*
 * memhog: a real process that grows memory, descriptors and threads on command, so that the
 * memsnap tests can compare memsnap's numbers with what the kernel reports.
 *
 * Protocol (line based, for a test driver that waits for each reply):
 *   At startup memhog prints "ready <pid>". Then it reads one command per line on stdin,
 *   performs it and writes exactly one reply line on stdout, flushed: "ok" with optional
 *   info, or "err <message>". N is a non-negative integer; MiB = 1048576 bytes.
 *   brk N            grow the brk heap by N MiB with sbrk, touch it        -> ok <bytes grown total>
 *   unbrk N          shrink it back by N MiB (only memory memhog grew)   -> ok <bytes grown total>
 *   mmap N           one anonymous private mapping of N MiB, touched    -> ok <address>
 *   munmap           unmap the most recent "mmap"                        -> ok
 *   file N           N MiB temporary file ($TMPDIR or /tmp), MAP_SHARED read-write, touched;
 *                    the file stays linked until memhog exits            -> ok <path>
 *   malloc N         N MiB in 64 KiB malloc chunks (main arena, brk), touched
 *   bigmalloc N      N MiB in 1 MiB malloc chunks (above the mmap threshold: one mmap each)
 *   threadmalloc N   N MiB in 64 KiB chunks on a long-lived worker thread (a non-main arena)
 *   threadsmall N    the same in 1000-byte chunks: the arena's heaps fill to their full 64 MiB
 *   freeall          free every chunk of malloc/bigmalloc/threadmalloc
 *   pipes N          N pipes (2N fds)             sockets N   N socketpairs (2N fds)
 *   eventfd          one eventfd                  epoll       one epoll fd
 *   closefds         close every fd memhog opened                         (fd commands: ok <fds held>)
 *   threads N NAME   N threads sleeping until exit, named NAME-<i> (cut to 15 chars), default stacks
 *   maps N           N anonymous one-page mappings, alternately PROT_READ and PROT_READ|PROT_WRITE
 *                    (the writable ones touched) so the kernel cannot merge them
 *   mmaplat N        for N milliseconds, mmap and munmap one anonymous page in a loop, timing each
 *                    pair: the pause a thread of the target sees while something holds its mmap
 *                    lock (a reader of /proc/PID/smaps)
 *                    -> ok <pairs> <max us> <p99 us> <p50 us> <pairs over 1 ms>
 *   mapread PATH     map the file PATH read-only (MAP_PRIVATE) and read one byte of every page:
 *                    its pages come in clean, as a binary's do while it runs  -> ok <bytes mapped>
 *   comm NAME        rename the process (main thread's comm; a test cannot write another
 *                    process's /proc/PID/comm: the kernel answers EINVAL)  -> ok
 *   clonevm          start a child process that shares memhog's address space (clone(2) with
 *                    CLONE_VM, without CLONE_THREAD: its own PID and /proc/PID, the same mm, as a
 *                    vfork child has until it execs); it sleeps until memhog exits. The reply
 *                    comes once the child sleeps: a reader sees one mm, not one the child's
 *                    first steps are still changing  -> ok <child pid>
 *   exitmain         the main thread exits (pthread_exit) after replying; a new thread reads the
 *                    next commands: the process lives on, its leader a zombie  -> ok
 *   exit             exit 0 (EOF on stdin too). Unknown command -> "err unknown command: <line>".
 * Build: cc -std=c11 -Wall -Wextra -Werror -O2 -pthread memhog.c -o memhog
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024L * 1024L)
#define SMALL_CHUNK (64 * 1024)

/* A growable array of pointers or ints, enough for this helper. */
typedef struct { void **v; size_t n, cap; } ptrvec;
static void push(ptrvec *a, void *p) {
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) { perror("realloc"); exit(1); }
    }
    a->v[a->n++] = p;
}

static long page;
static char *brk_end;           /* where our last brk/unbrk left the break, NULL before any */
static long brk_grown;          /* bytes of brk memhog grew and has not shrunk */
static ptrvec maps_stack;       /* "mmap" mappings, pairs (address, length) */
static ptrvec chunks;           /* every malloc'd chunk, all threads (guarded by lock) */
static ptrvec fds;              /* fds as (void *)(intptr_t) */
static ptrvec files;            /* paths to unlink at exit */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long worker_request = -1; /* MiB the worker should malloc; -1 = idle */
static size_t worker_chunk = SMALL_CHUNK; /* the chunk size of that request */
static int worker_started;

static void touch(void *p, size_t len) { memset(p, 0x5a, len); }

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void unlink_files(void) {
    for (size_t i = 0; i < files.n; i++) unlink(files.v[i]);
}
static void on_signal(int sig) {
    for (size_t i = 0; i < files.n; i++) unlink(files.v[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* mallocs `mib` MiB in chunks of `chunk` bytes, touched; returns 0 or -1 with errno. */
static int malloc_chunks(long mib, size_t chunk) {
    for (long done = 0; done < mib * MIB; done += (long)chunk) {
        void *p = malloc(chunk);
        if (!p) return -1;
        touch(p, chunk);
        pthread_mutex_lock(&lock);
        push(&chunks, p);
        pthread_mutex_unlock(&lock);
    }
    return 0;
}

static void *worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (worker_request < 0) pthread_cond_wait(&cond, &lock);
        long mib = worker_request;
        pthread_mutex_unlock(&lock);
        int rc = malloc_chunks(mib, worker_chunk);
        pthread_mutex_lock(&lock);
        worker_request = rc == 0 ? -1 : -2; /* -1: done; -2: failed */
        pthread_cond_broadcast(&cond);
        while (worker_request < -1) pthread_cond_wait(&cond, &lock); /* main reads the error */
    }
    return NULL;
}

static void *sleeper(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

static pid_t clone_children[16];
static int clone_count;

static void kill_clone_children(void) {
    for (int i = 0; i < clone_count; i++) kill(clone_children[i], SIGKILL);
}

/* The CLONE_VM child: it must not return into memhog's code (it would run on a stack that
 * is no one's), so it sleeps; it dies with memhog (PR_SET_PDEATHSIG) or by atexit's kill. */
static int clone_started; /* set by the child (same mm) just before it pauses */

/* True once /proc/PID/stat says the task sleeps (state S). */
static int task_sleeps(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
    return paren && paren[1] == ' ' && paren[2] == 'S';
}

static int clone_child(void *arg) {
    (void)arg;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    __atomic_store_n(&clone_started, 1, __ATOMIC_RELEASE);
    for (;;) pause();
    return 0;
}

static int exit_main; /* set by "exitmain": the command loop moves to a new thread */

/* Executes one command line; writes the reply into out. */
static void run(char *line, char *out, size_t outsz) {
    char cmd[32] = "", name[64] = "";
    long n = -1;
    int fields = sscanf(line, "%31s %ld %63s", cmd, &n, name);
    int needs_n = !strcmp(cmd, "brk") || !strcmp(cmd, "unbrk") || !strcmp(cmd, "mmap") ||
                  !strcmp(cmd, "file") || !strcmp(cmd, "malloc") || !strcmp(cmd, "bigmalloc") ||
                  !strcmp(cmd, "threadmalloc") || !strcmp(cmd, "threadsmall") ||
                  !strcmp(cmd, "pipes") ||
                  !strcmp(cmd, "sockets") || !strcmp(cmd, "threads") || !strcmp(cmd, "maps") ||
                  !strcmp(cmd, "mmaplat");
    if (needs_n && (fields < 2 || n < 0 || n > 1L << 20)) {
        snprintf(out, outsz, "err %s needs a count N >= 0", cmd);
        return;
    }
    snprintf(out, outsz, "ok");
    if (!strcmp(cmd, "brk")) {
        if (brk_end && sbrk(0) != brk_end) { snprintf(out, outsz, "err brk moved by malloc"); return; }
        char *p = sbrk(n * MIB);
        if (p == (void *)-1) { snprintf(out, outsz, "err sbrk: %s", strerror(errno)); return; }
        touch(p, (size_t)(n * MIB));
        brk_end = p + n * MIB;
        brk_grown += n * MIB;
        snprintf(out, outsz, "ok %ld", brk_grown);
    } else if (!strcmp(cmd, "unbrk")) {
        if (n * MIB > brk_grown) { snprintf(out, outsz, "err only %ld bytes grown", brk_grown); return; }
        if (sbrk(0) != brk_end) { snprintf(out, outsz, "err brk moved by malloc since the last brk"); return; }
        if (sbrk(-n * MIB) == (void *)-1) { snprintf(out, outsz, "err sbrk: %s", strerror(errno)); return; }
        brk_end -= n * MIB;
        brk_grown -= n * MIB;
        snprintf(out, outsz, "ok %ld", brk_grown);
    } else if (!strcmp(cmd, "mmap")) {
        void *p = mmap(NULL, (size_t)(n * MIB), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { snprintf(out, outsz, "err mmap: %s", strerror(errno)); return; }
        touch(p, (size_t)(n * MIB));
        push(&maps_stack, p);
        push(&maps_stack, (void *)(n * MIB));
        snprintf(out, outsz, "ok %p", p);
    } else if (!strcmp(cmd, "munmap")) {
        if (maps_stack.n == 0) { snprintf(out, outsz, "err no mapping left"); return; }
        size_t len = (size_t)maps_stack.v[--maps_stack.n];
        munmap(maps_stack.v[--maps_stack.n], len);
    } else if (!strcmp(cmd, "file")) {
        const char *dir = getenv("TMPDIR");
        char *path;
        if (asprintf(&path, "%s/memhog-%d-XXXXXX", dir && *dir ? dir : "/tmp", (int)getpid()) < 0) exit(1);
        int fd = mkstemp(path);
        if (fd < 0) { snprintf(out, outsz, "err mkstemp %s: %s", path, strerror(errno)); free(path); return; }
        push(&files, path);
        void *p = MAP_FAILED;
        if (ftruncate(fd, n * MIB) == 0)
            p = mmap(NULL, (size_t)(n * MIB), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        int e = errno;
        close(fd);
        if (p == MAP_FAILED) { snprintf(out, outsz, "err file %s: %s", path, strerror(e)); return; }
        touch(p, (size_t)(n * MIB));
        snprintf(out, outsz, "ok %s", path);
    } else if (!strcmp(cmd, "malloc") || !strcmp(cmd, "bigmalloc")) {
        if (malloc_chunks(n, cmd[0] == 'b' ? (size_t)MIB : SMALL_CHUNK) != 0)
            snprintf(out, outsz, "err malloc: %s", strerror(errno));
    } else if (!strcmp(cmd, "threadmalloc") || !strcmp(cmd, "threadsmall")) {
        pthread_t t;
        if (!worker_started) {
            if (pthread_create(&t, NULL, worker, NULL) != 0) { snprintf(out, outsz, "err pthread_create"); return; }
            pthread_setname_np(t, "memhog-malloc");
            worker_started = 1;
        }
        pthread_mutex_lock(&lock);
        worker_chunk = cmd[6] == 's' ? 1000 : SMALL_CHUNK;
        worker_request = n;
        pthread_cond_broadcast(&cond);
        while (worker_request >= 0) pthread_cond_wait(&cond, &lock);
        if (worker_request < -1) snprintf(out, outsz, "err malloc on the worker thread failed");
        worker_request = -1;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    } else if (!strcmp(cmd, "freeall")) {
        pthread_mutex_lock(&lock);
        for (size_t i = 0; i < chunks.n; i++) free(chunks.v[i]);
        snprintf(out, outsz, "ok %zu", chunks.n);
        chunks.n = 0;
        pthread_mutex_unlock(&lock);
    } else if (!strcmp(cmd, "pipes") || !strcmp(cmd, "sockets") || !strcmp(cmd, "eventfd") ||
               !strcmp(cmd, "epoll")) {
        long count = (cmd[0] == 'p' || cmd[0] == 's') ? n : 1;
        for (long i = 0; i < count; i++) {
            int pair[2] = {-1, -1}, rc;
            if (cmd[0] == 'p') rc = pipe(pair);
            else if (cmd[0] == 's') rc = socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
            else rc = pair[0] = cmd[0] == 'e' && cmd[1] == 'v' ? eventfd(0, 0) : epoll_create1(0);
            if (rc < 0) { snprintf(out, outsz, "err %s: %s", cmd, strerror(errno)); return; }
            for (int k = 0; k < 2; k++)
                if (pair[k] >= 0) push(&fds, (void *)(long)pair[k]);
        }
        snprintf(out, outsz, "ok %zu", fds.n);
    } else if (!strcmp(cmd, "closefds")) {
        for (size_t i = 0; i < fds.n; i++) close((int)(long)fds.v[i]);
        fds.n = 0;
        snprintf(out, outsz, "ok 0");
    } else if (!strcmp(cmd, "threads")) {
        if (fields < 3) { snprintf(out, outsz, "err threads needs N NAME"); return; }
        for (long i = 0; i < n; i++) {
            pthread_t t;
            char tname[96];
            snprintf(tname, sizeof tname, "%s-%ld", name, i);
            tname[15] = '\0'; /* the kernel's limit: 15 chars + NUL */
            int rc = pthread_create(&t, NULL, sleeper, NULL);
            if (rc != 0) { snprintf(out, outsz, "err pthread_create: %s", strerror(rc)); return; }
            pthread_setname_np(t, tname);
            pthread_detach(t);
        }
    } else if (!strcmp(cmd, "maps")) {
        /* One mapping of N pages, then every other page made writable: N VMAs the kernel
         * cannot merge with each other (neighbouring pages differ in protection). */
        if (n == 0) return;
        char *p = mmap(NULL, (size_t)(n * page), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { snprintf(out, outsz, "err mmap: %s", strerror(errno)); return; }
        for (long i = 1; i < n; i += 2) {
            if (mprotect(p + i * page, (size_t)page, PROT_READ | PROT_WRITE) != 0) {
                snprintf(out, outsz, "err mprotect after %ld mappings: %s (vm.max_map_count?)", i,
                         strerror(errno));
                return;
            }
            p[i * page] = 1;
        }
        snprintf(out, outsz, "ok %p", (void *)p);
    } else if (!strcmp(cmd, "mmaplat")) {
        enum { kMaxPairs = 1 << 20 };
        static long lat_ns[kMaxPairs];
        long pairs = 0, worst = 0, over_ms = 0;
        const long end = now_ns() + n * 1000000L;
        for (long t0 = now_ns(); t0 < end && pairs < kMaxPairs; t0 = now_ns()) {
            void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) { snprintf(out, outsz, "err mmap: %s", strerror(errno)); return; }
            munmap(p, (size_t)page);
            long d = now_ns() - t0;
            lat_ns[pairs++] = d;
            if (d > worst) worst = d;
            if (d > 1000000L) ++over_ms;
        }
        qsort(lat_ns, (size_t)pairs, sizeof lat_ns[0], cmp_long);
        snprintf(out, outsz, "ok %ld %ld %ld %ld %ld", pairs, worst / 1000,
                 pairs ? lat_ns[pairs * 99 / 100] / 1000 : 0, pairs ? lat_ns[pairs / 2] / 1000 : 0,
                 over_ms);
    } else if (!strcmp(cmd, "mapread")) {
        char path[4096];
        if (sscanf(line, "%*s %4095s", path) != 1) { snprintf(out, outsz, "err mapread needs PATH"); return; }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
            snprintf(out, outsz, "err mapread: %s", fd < 0 ? strerror(errno) : "empty or unreadable");
            if (fd >= 0) close(fd);
            return;
        }
        const volatile char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        int e = errno;
        close(fd);
        if (p == MAP_FAILED) { snprintf(out, outsz, "err mapread: %s", strerror(e)); return; }
        long page = sysconf(_SC_PAGESIZE);
        unsigned sum = 0;
        for (off_t off = 0; off < st.st_size; off += page) sum += (unsigned char)p[off];
        snprintf(out, outsz, "ok %lld %u", (long long)st.st_size, sum & 1u);
    } else if (!strcmp(cmd, "comm")) {
        char comm[16];
        if (sscanf(line, "%*s %15s", comm) != 1) { snprintf(out, outsz, "err comm needs NAME"); return; }
        int rc = pthread_setname_np(pthread_self(), comm);
        if (rc != 0) snprintf(out, outsz, "err comm: %s", strerror(rc));
    } else if (!strcmp(cmd, "clonevm")) {
        const size_t stack_size = 64 * 1024;
        if (clone_count == (int)(sizeof clone_children / sizeof clone_children[0])) {
            snprintf(out, outsz, "err clonevm: too many children");
            return;
        }
        char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack == MAP_FAILED) { snprintf(out, outsz, "err mmap: %s", strerror(errno)); return; }
        __atomic_store_n(&clone_started, 0, __ATOMIC_RELEASE);
        pid_t child = clone(clone_child, stack + stack_size, CLONE_VM | SIGCHLD, NULL);
        if (child < 0) { snprintf(out, outsz, "err clone: %s", strerror(errno)); return; }
        clone_children[clone_count++] = child;
        /* Its stack's first page and its prctl change the shared mm: wait until it is done
         * (flag set, then asleep in pause), at most ~5 s under load. */
        for (int i = 0; i < 5000; i++) {
            if (__atomic_load_n(&clone_started, __ATOMIC_ACQUIRE) && task_sleeps(child)) break;
            usleep(1000);
        }
        snprintf(out, outsz, "ok %d", (int)child);
    } else if (!strcmp(cmd, "exitmain")) {
        exit_main = 1;
    } else if (!strcmp(cmd, "exit")) {
        exit(0);
    } else {
        snprintf(out, outsz, "err unknown command: %s", line);
    }
}

static void *command_loop(void *arg) {
    (void)arg;
    char line[512], out[600];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0') { printf("err empty command\n"); fflush(stdout); continue; }
        run(line, out, sizeof out);
        printf("%s\n", out);
        fflush(stdout);
        if (exit_main) {
            exit_main = 0;
            pthread_t t;
            if (pthread_create(&t, NULL, command_loop, NULL) != 0) { perror("pthread_create"); exit(1); }
            pthread_exit(NULL);
        }
    }
    exit(0);
}

int main(void) {
    page = sysconf(_SC_PAGESIZE);
    /* A fixed threshold: glibc would otherwise raise it after the first free of a 1 MiB chunk
     * and serve later "bigmalloc" chunks from the heap. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    atexit(unlink_files);
    atexit(kill_clone_children);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    printf("ready %d\n", (int)getpid());
    fflush(stdout);
    command_loop(NULL);
    return 0;
}
