/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/mksock.c: make a Unix socket file at PATH (bound, then left
 * behind), for tests of inputs that are not regular files; no other tool
 * sure to be on Debian makes one without staying to listen. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fputs("usage: mksock PATH (shorter than 108 bytes)\n", stderr);
        return 2;
    }
    memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror(argv[1]);
        return 1;
    }
    close(fd);
    return 0;
}
