/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/signals.c: undoing work when interrupted. */
#include <signal.h>

#include "common/cmd.h"
#include "common/signals.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
}

void cmd_signals_catch(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < CMD_COUNT(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
}

int cmd_signal_caught(void)
{
    return caught;
}

const char *cmd_signal_name(int sig)
{
    return sig == SIGINT    ? "SIGINT"
           : sig == SIGTERM ? "SIGTERM"
           : sig == SIGHUP  ? "SIGHUP"
                            : "a signal";
}

void cmd_signal_reraise(void)
{
    if (caught) {
        signal(caught, SIG_DFL);
        raise(caught);
    }
}
