/* log_gate.h - the one check of what a server wrote: its log and its stored
 * texts
 *
 * Every test that starts a server passes what it wrote through here (the
 * C tests in-process, the shell tests through build/tests/tools/loggate).
 * A finding is:
 *   - an ERROR log line the test did not say it provokes;
 *   - a sanitizer report (ASan, UBSan, LSan, TSan, MSan) anywhere;
 *   - a secret (a PIN, a password, a token, a key) in a log line or in a
 *     stored text (inbound texts, replies, provider answers, audit);
 *     a secret of digits only counts as a whole number, so PIN 7391
 *     is found in "THU 2 50k 7391" but not in "id 73910";
 *   - a whole Vietnamese mobile number (+84..., 84..., 0... with 9 digits
 *     after the prefix) in a log line: log.h promises masked ones.
 * Choose test PINs that cannot be confused with ids or amounts.
 */
#ifndef DT_TESTS_LOG_GATE_H
#define DT_TESTS_LOG_GATE_H

#include <stddef.h>
#include <stdio.h>

#define GATE_MAX 256

struct gate_rules {
    const char *secrets[GATE_MAX];
    size_t nsecrets;
    const char *expected[GATE_MAX]; /* substrings of provoked ERROR lines */
    size_t nexpected;
};

/* Adds to r (the string is not copied). Empty strings are ignored.
 * -1 (and a message on stderr) when r already holds GATE_MAX. */
int gate_add_secret(struct gate_rules *r, const char *secret);
int gate_add_expected(struct gate_rules *r, const char *substr);

/* What is wrong with one log line, or NULL when nothing is. why holds the
 * detail (never the secret itself). */
const char *gate_log_line(const struct gate_rules *r, const char *line,
                          char *why, size_t size);
/* The same for a stored text: secrets only. */
const char *gate_text(const struct gate_rules *r, const char *text, char *why,
                      size_t size);

/* Scan a log file / a database's stored texts; each finding is printed to
 * report as "log gate: WHERE: WHY". Return the number of findings, or -1
 * when the file cannot be read; *count gets the lines / texts read. */
long gate_scan_log(const struct gate_rules *r, const char *path, FILE *report,
                   long *count);
long gate_scan_db(const struct gate_rules *r, const char *db_path, FILE *report,
                  long *count);

/* In-process capture for the C integration tests. begin: from now on the
 * process's stderr (fd 2, where the server logs) is also copied aside; it
 * still reaches the real stderr at once, so a failing assertion is never
 * hidden. end: stops the copy and checks it, then db_path's stored texts
 * when db_path is not NULL; prints one line with the counts and each
 * finding; returns the number of findings. A begin while a capture runs
 * (a test that failed before its end) discards the old one. */
void log_gate_begin(void);
void log_gate_expect(const char *substr);
void log_gate_secret(const char *secret);
long log_gate_end(const char *db_path);

#endif
