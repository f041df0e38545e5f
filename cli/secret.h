/* secret.h - reading a PIN or a password from standard input
 *
 * Never from an argument (it would show in ps and the shell history):
 * from fd 0 without stdio (no copy left in a stdio buffer), with echo off
 * and a prompt on stderr when fd 0 is a terminal.
 */
#ifndef DT_SECRET_H
#define DT_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* One line into out[size]; false on end of input, an error, or a line
 * longer than size - 1 (refused, not cut). */
bool cli_read_secret(const char *prompt, char *out, size_t size);

#endif
