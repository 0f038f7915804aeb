/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/holder.c: who holds a reservation or a lock (program, PID,
 * machine, since when), written into its file, and whether it still runs. */
#include "internal.h"
#include "holder.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

extern char *program_invocation_short_name;

/* The machine: /etc/machine-id, which two machines do not share, else the
 * host name. */
static void machine(char *out, size_t size)
{
    FILE *f = fopen("/etc/machine-id", "re");
    char id[64] = "";
    if (f) {
        if (!fgets(id, sizeof(id), f))
            id[0] = '\0';
        fclose(f);
    }
    id[strcspn(id, "\r\n")] = '\0';
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) != 0)
        snprintf(host, sizeof(host), "localhost");
    /* host/machine-id: the name for people, the ID for the test. */
    snprintf(out, size, "%s/%s", host, id[0] ? id : host);
}

/* Field 22 of /proc/PID/stat, the process's start in clock ticks since
 * boot: a PID used again by another process has another one. */
static uint64_t start_of(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    if (!p)
        return 0;
    /* After ") ": field 3 (state) onwards; the start is field 22. */
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

void spi_holder_self(struct spi_holder *h, const char *entry)
{
    memset(h, 0, sizeof(*h));
    snprintf(h->entry, sizeof(h->entry), "%s", entry ? entry : "");
    snprintf(h->program, sizeof(h->program), "%s",
             program_invocation_short_name ? program_invocation_short_name
                                           : "sanprov");
    h->pid = (long)getpid();
    machine(h->machine, sizeof(h->machine));
    h->start = start_of(h->pid);
    h->since = (int64_t)time(NULL);
}

char *spi_holder_format(const struct spi_holder *h)
{
    return spi_xasprintf("entry=%s\nprogram=%s\npid=%ld\nmachine=%s\n"
                         "start=%" PRIu64 "\nsince=%" PRId64 "\n",
                         h->entry, h->program, h->pid, h->machine, h->start,
                         h->since);
}

/* @len bytes of @src into @dst of @size, cut to fit. */
static void put(char *dst, size_t size, const char *src, size_t len)
{
    if (len >= size)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

bool spi_holder_parse(const char *text, struct spi_holder *h)
{
    memset(h, 0, sizeof(*h));
    bool pid = false;
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *eq = memchr(line, '=', len);
        if (eq) {
            size_t k = (size_t)(eq - line), vl = len - k - 1;
            const char *v = eq + 1;
            char num[32];
            put(num, sizeof(num), v, vl);
            if (k == 5 && !strncmp(line, "entry", 5))
                put(h->entry, sizeof(h->entry), v, vl);
            else if (k == 7 && !strncmp(line, "program", 7))
                put(h->program, sizeof(h->program), v, vl);
            else if (k == 3 && !strncmp(line, "pid", 3))
                pid = (h->pid = strtol(num, NULL, 10)) > 0;
            else if (k == 7 && !strncmp(line, "machine", 7))
                put(h->machine, sizeof(h->machine), v, vl);
            else if (k == 5 && !strncmp(line, "start", 5))
                h->start = strtoull(num, NULL, 10);
            else if (k == 5 && !strncmp(line, "since", 5))
                h->since = strtoll(num, NULL, 10);
        }
        line = nl ? nl + 1 : NULL;
    }
    return pid && h->machine[0];
}

enum spi_holder_state spi_holder_state(const struct spi_holder *h,
                                       unsigned int grace_s)
{
    char here[sizeof(h->machine)];
    machine(here, sizeof(here));
    if (SPI_STREQ(here, h->machine)) {
        bool runs = kill((pid_t)h->pid, 0) == 0 || errno == EPERM;
        if (runs && (!h->start || start_of(h->pid) == h->start))
            return SPI_HOLDER_ALIVE;
        return SPI_HOLDER_GONE;
    }
    /* Another machine's process: alive, as far as can be known, until
     * the grace period is over. */
    int64_t age = (int64_t)time(NULL) - h->since;
    return age > (int64_t)grace_s ? SPI_HOLDER_GONE : SPI_HOLDER_ELSEWHERE;
}

void spi_holder_describe(const struct spi_holder *h, char *out, size_t size)
{
    char when[32] = "?";
    time_t t = (time_t)h->since;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    char host[sizeof(h->machine)];
    snprintf(host, sizeof(host), "%s", h->machine);
    host[strcspn(host, "/")] = '\0';
    snprintf(out, size, "%s (PID %ld on %s, since %s)",
             h->program[0] ? h->program : "?", h->pid, host, when);
}
