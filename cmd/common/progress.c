/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/progress.c: the progress line on a terminal's stderr. */
#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/output.h"
#include "common/progress.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int tty = -1;   /* stderr is a terminal: unknown yet, 0, 1 */
static char what[256]; /* what the clock runs for */
static struct timespec start;
static char shown[512];  /* the text on the screen, "" when none */
static size_t shown_len; /* the columns it took, or the longest before */

static void erase_locked(void)
{
    if (!shown_len)
        return;
    /* Spaces rather than an ANSI erase: works on any terminal. */
    fprintf(stderr, "\r%*s\r", (int)shown_len, "");
    fflush(stderr);
    shown[0] = '\0';
    shown_len = 0;
}

static size_t columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        return ws.ws_col - 1u < sizeof(shown) ? ws.ws_col - 1u
                                              : sizeof(shown) - 1;
    return 79;
}

static void draw_locked(const char *text, int percent)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (strncmp(what, text, sizeof(what) - 1) != 0) {
        snprintf(what, sizeof(what), "%s", text);
        start = now;
    }
    /* WHAT names objects, by names their arrays gave. */
    char *shown_what = cmd_escape(what);
    char suffix[32];
    if (percent >= 0)
        snprintf(suffix, sizeof(suffix), " ... %d%%",
                 percent > 100 ? 100 : percent);
    else
        snprintf(suffix, sizeof(suffix), " ... %lds",
                 (long)(now.tv_sec - start.tv_sec));
    /* Cut WHAT, not the figure: a wrapped line cannot be redrawn with \r.
     * Cut by the columns its characters take, and to what shown[] holds
     * (at a character's start: combining marks take bytes, no columns). */
    size_t cols = columns(), slen = strlen(suffix);
    size_t fit = cmd_text_fit(shown_what, cols > slen ? cols - slen : 0, NULL);
    while (fit && fit + slen >= sizeof(shown))
        while (fit && ((unsigned char)shown_what[--fit] & 0xC0) == 0x80)
            ;
    char line[sizeof(shown)];
    snprintf(line, sizeof(line), "%.*s%s", (int)fit, shown_what, suffix);
    free(shown_what);
    if (!fit && slen > cols)
        line[cols] = '\0';
    if (strcmp(line, shown) == 0)
        return;
    size_t len = strlen(line), width;
    cmd_text_fit(line, SIZE_MAX, &width);
    /* Overwrite the old text, padding where the new one is shorter. */
    fprintf(stderr, "\r%s%*s", line,
            width < shown_len ? (int)(shown_len - width) : 0, "");
    fflush(stderr);
    memcpy(shown, line, len + 1);
    shown_len = width > shown_len ? width : shown_len;
}

void cmd_progress(const char *text, int percent)
{
    if (cmd_opt.quiet)
        return;
    pthread_mutex_lock(&lock);
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (tty)
        draw_locked(text, percent);
    pthread_mutex_unlock(&lock);
}

void cmd_progress_cb(const char *text, int percent, void *ctx)
{
    cmd_progress(text, percent);
}

void cmd_progress_clear(void)
{
    pthread_mutex_lock(&lock);
    erase_locked();
    pthread_mutex_unlock(&lock);
}

void cmd_progress_done(void)
{
    pthread_mutex_lock(&lock);
    erase_locked();
    what[0] = '\0';
    pthread_mutex_unlock(&lock);
}
