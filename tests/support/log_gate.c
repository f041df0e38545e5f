/* log_gate.c - see log_gate.h */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/support/log_gate.h"
#include "common/banned.h"

static int add(const char **list, size_t *n, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return 0;
    if (*n == GATE_MAX) {
        (void)fprintf(stderr,
                      "log gate: more than %d secrets or expected "
                      "errors\n",
                      GATE_MAX);
        return -1;
    }
    list[(*n)++] = s;
    return 0;
}

int gate_add_secret(struct gate_rules *r, const char *secret)
{
    return add(r->secrets, &r->nsecrets, secret);
}

int gate_add_expected(struct gate_rules *r, const char *substr)
{
    return add(r->expected, &r->nexpected, substr);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *s)
{
    for (; *s != '\0'; s++)
        if (!is_digit(*s))
            return false;
    return true;
}

/* A digits-only secret counts only as a whole number: not preceded or
 * followed by another digit. */
static bool has_secret(const char *text, const char *secret)
{
    size_t n = strlen(secret);
    bool digits = all_digits(secret);
    const char *p = text;

    while ((p = strstr(p, secret)) != NULL) {
        if (!digits || ((p == text || !is_digit(p[-1])) && !is_digit(p[n])))
            return true;
        p++;
    }
    return false;
}

static const char *find_secret(const struct gate_rules *r, const char *text,
                               char *why, size_t size)
{
    size_t i;

    for (i = 0; i < r->nsecrets; i++)
        if (has_secret(text, r->secrets[i])) {
            /* Name it by length and first character only: the report must
             * not print the secret it found. */
            (void)snprintf(why, size, "holds secret #%zu (%zu chars, '%c...')",
                           i + 1, strlen(r->secrets[i]), r->secrets[i][0]);
            return why;
        }
    return NULL;
}

/* A whole mobile number: +84/84 and 9 digits, or 0 and 9 digits, the
 * first after the prefix 3, 5, 7, 8 or 9, as one run of digits. */
static bool has_whole_phone(const char *s)
{
    size_t i = 0, n = strlen(s);

    while (i < n) {
        size_t j = i;
        const char *d;

        if (!is_digit(s[i])) {
            i++;
            continue;
        }
        while (j < n && is_digit(s[j]))
            j++;
        d = s + i;
        if (((j - i == 11 && d[0] == '8' && d[1] == '4' &&
              strchr("35789", d[2]) != NULL) ||
             (j - i == 10 && d[0] == '0' && strchr("35789", d[1]) != NULL)))
            return true;
        i = j;
    }
    return false;
}

static const char *const sanitizer_marks[] = {
    "AddressSanitizer", "LeakSanitizer",   "UndefinedBehaviorSanitizer",
    "ThreadSanitizer",  "MemorySanitizer", ": runtime error: ",
};

const char *gate_log_line(const struct gate_rules *r, const char *line,
                          char *why, size_t size)
{
    size_t i;

    for (i = 0; i < sizeof(sanitizer_marks) / sizeof(sanitizer_marks[0]); i++)
        if (strstr(line, sanitizer_marks[i]) != NULL) {
            (void)snprintf(why, size, "sanitizer report: %.200s", line);
            return why;
        }
    if (strstr(line, " ERROR ") != NULL) {
        bool expected = false;

        for (i = 0; i < r->nexpected && !expected; i++)
            expected = strstr(line, r->expected[i]) != NULL;
        if (!expected) {
            /* An unexpected error line is printed whole, unless it also
             * holds a secret. */
            if (find_secret(r, line, why, size) == NULL)
                (void)snprintf(why, size, "unexpected ERROR: %.200s", line);
            return why;
        }
    }
    if (find_secret(r, line, why, size) != NULL)
        return why;
    if (has_whole_phone(line)) {
        (void)snprintf(why, size, "a whole phone number in a log line");
        return why;
    }
    return NULL;
}

const char *gate_text(const struct gate_rules *r, const char *text, char *why,
                      size_t size)
{
    return find_secret(r, text, why, size);
}

long gate_scan_log(const struct gate_rules *r, const char *path, FILE *report,
                   long *count)
{
    char *line = NULL, why[320];
    size_t cap = 0;
    long findings = 0, n = 0;
    FILE *f = fopen(path, "r");

    *count = 0;
    if (f == NULL) {
        (void)fprintf(report, "log gate: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while (getline(&line, &cap, f) != -1) {
        n++;
        line[strcspn(line, "\n")] = '\0';
        if (gate_log_line(r, line, why, sizeof(why)) != NULL) {
            (void)fprintf(report, "log gate: %s:%ld: %s\n", path, n, why);
            findings++;
        }
    }
    free(line);
    (void)fclose(f);
    *count = n;
    return findings;
}

/* The columns that carry message content. A column a schema does not
 * have yet is skipped. */
static const char *const text_columns[][2] = {
    {"inbound", "text"},         {"outbox", "text"},  {"outbox", "last_error"},
    {"send_attempts", "detail"}, {"audit", "object"}, {"audit", "before"},
    {"audit", "after"},
};

long gate_scan_db(const struct gate_rules *r, const char *db_path, FILE *report,
                  long *count)
{
    sqlite3 *db = NULL;
    long findings = 0;
    size_t i;
    char why[320];

    *count = 0;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK) {
        (void)fprintf(report, "log gate: %s: cannot open: %s\n", db_path,
                      db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    (void)sqlite3_busy_timeout(db, 5000);
    for (i = 0; i < sizeof(text_columns) / sizeof(text_columns[0]); i++) {
        char sql[160];
        sqlite3_stmt *st = NULL;

        (void)snprintf(
            sql, sizeof(sql), "SELECT rowid, %s FROM %s WHERE %s IS NOT NULL",
            text_columns[i][1], text_columns[i][0], text_columns[i][1]);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            sqlite3_finalize(st);
            continue;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 1);

            (*count)++;
            if (t != NULL && gate_text(r, t, why, sizeof(why)) != NULL) {
                (void)fprintf(report, "log gate: %s: %s.%s row %lld: %s\n",
                              db_path, text_columns[i][0], text_columns[i][1],
                              (long long)sqlite3_column_int64(st, 0), why);
                findings++;
            }
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return findings;
}

/* ---- in-process capture --------------------------------------------- */

static struct {
    bool on;
    int saved;  /* the real stderr */
    int pipe_r; /* the tee's end */
    FILE *copy; /* what the tee copied, for the scan */
    char path[64];
    pthread_t tee;
    struct gate_rules rules;
    char *owned[2 * GATE_MAX];
    size_t nowned;
} cap = {.saved = -1, .pipe_r = -1};

/* Copies the pipe to the real stderr and to the copy until the last
 * writer closes it. */
static void *tee_main(void *arg)
{
    char buf[4096];
    ssize_t n;

    (void)arg;
    while ((n = read(cap.pipe_r, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        (void)!write(cap.saved, buf, (size_t)n);
        (void)fwrite(buf, 1, (size_t)n, cap.copy);
    }
    return NULL;
}

static void cap_stop(void)
{
    (void)fflush(stderr);
    /* Putting the real stderr back closes the pipe's last write end. */
    (void)dup2(cap.saved, 2);
    (void)pthread_join(cap.tee, NULL);
    (void)close(cap.pipe_r);
    (void)close(cap.saved);
    (void)fflush(cap.copy);
    cap.on = false;
}

static void cap_forget(void)
{
    size_t i;

    for (i = 0; i < cap.nowned; i++)
        free(cap.owned[i]);
    cap.nowned = 0;
    memset(&cap.rules, 0, sizeof(cap.rules));
    if (cap.copy != NULL)
        (void)fclose(cap.copy);
    cap.copy = NULL;
    if (cap.path[0] != '\0')
        (void)unlink(cap.path);
    cap.path[0] = '\0';
}

void log_gate_begin(void)
{
    int fds[2], fd;

    if (cap.on)
        cap_stop();
    cap_forget();
    (void)snprintf(cap.path, sizeof(cap.path), "/tmp/dt-loggate.XXXXXX");
    fd = mkstemp(cap.path);
    if (fd < 0 || (cap.copy = fdopen(fd, "w+")) == NULL || pipe(fds) != 0) {
        (void)fprintf(stderr, "log gate: cannot capture: %s\n",
                      strerror(errno));
        abort();
    }
    (void)fflush(stderr);
    cap.saved = dup(2);
    cap.pipe_r = fds[0];
    if (cap.saved < 0 || dup2(fds[1], 2) < 0 ||
        pthread_create(&cap.tee, NULL, tee_main, NULL) != 0) {
        (void)fprintf(stderr, "log gate: cannot capture\n");
        abort();
    }
    (void)close(fds[1]);
    cap.on = true;
}

static const char *own(const char *s)
{
    char *c;

    if (cap.nowned == sizeof(cap.owned) / sizeof(cap.owned[0]) ||
        (c = strdup(s)) == NULL)
        abort();
    cap.owned[cap.nowned++] = c;
    return c;
}

void log_gate_expect(const char *substr)
{
    if (gate_add_expected(&cap.rules, own(substr)) != 0)
        abort();
}

void log_gate_secret(const char *secret)
{
    if (gate_add_secret(&cap.rules, own(secret)) != 0)
        abort();
}

long log_gate_end(const char *db_path)
{
    long findings = 0, lines = 0, texts = 0, n;

    if (!cap.on)
        return 0;
    cap_stop();
    n = gate_scan_log(&cap.rules, cap.path, stderr, &lines);
    findings += n < 0 ? 1 : n;
    if (db_path != NULL) {
        n = gate_scan_db(&cap.rules, db_path, stderr, &texts);
        findings += n < 0 ? 1 : n;
    }
    (void)fprintf(stderr,
                  "log gate: %ld log lines, %ld stored texts, %zu secrets: "
                  "%ld findings\n",
                  lines, texts, cap.rules.nsecrets, findings);
    cap_forget();
    return findings;
}
