/* secret.c - reading a PIN or a password from standard input */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/secret.h"
#include "common/banned.h"

/* One line from fd 0 into out[size], without stdio (no copy left in a
 * stdio buffer). false on end of input, error, or a line too long. */
static bool read_line(char *out, size_t size)
{
    size_t n = 0;
    bool too_long = false;
    char c = '\0';

    for (;;) {
        ssize_t r = read(STDIN_FILENO, &c, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (c == '\n')
            break;
        if (n + 1 < size)
            out[n++] = c;
        else
            too_long = true;
    }
    while (n > 0 && out[n - 1] == '\r')
        n--;
    out[n] = '\0';
    return !too_long && (n > 0 || c == '\n');
}

/* Prompts on stderr and reads with echo off when stdin is a terminal. */
bool cli_read_secret(const char *prompt, char *out, size_t size)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    bool ok;

    if (tty) {
        (void)fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    ok = read_line(out, size);
    if (tty) {
        (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        (void)fprintf(stderr, "\n");
    }
    return ok;
}
