/* loggate.c - the log gate (tests/support/log_gate.h) for shell tests
 *
 *   loggate [--secret S]... [--secrets FILE]... [--conf FILE]...
 *           [--expect SUBSTR]... [--db DB]... LOG...
 *
 * --secrets takes one secret a line (the PINs a test set, say).
 * --conf takes as secrets the values of a diemtua configuration's keys
 * that hold credentials (token, password, private_key, api_key,
 * pin_pepper and any key ending in _token, _password or _secret); a
 * value written ${NAME} is read from the environment, as serve does.
 * Prints each finding and one summary line; exits 0 when there is none,
 * 1 when there are, 2 on a usage or read error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/log_gate.h"
#include "common/banned.h"

static const char *const usage =
    "usage: loggate [--secret S]... [--secrets FILE]... [--conf FILE]...\n"
    "               [--expect SUBSTR]... [--db DB]... LOG...\n";

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_credential_key(const char *key)
{
    static const char *const exact[] = {"token", "password", "private_key",
                                        "api_key", "pin_pepper"};
    size_t i;

    for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strcmp(key, exact[i]) == 0)
            return 1;
    return ends_with(key, "_token") || ends_with(key, "_password") ||
           ends_with(key, "_secret");
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s &&
           (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int read_conf(struct gate_rules *r, const char *path)
{
    char line[1024];
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *eq = strchr(line, '='), *key, *val;
        size_t n;

        if (line[0] == '#' || line[0] == ';' || eq == NULL)
            continue;
        *eq = '\0';
        key = trim(line);
        val = trim(eq + 1);
        if (!is_credential_key(key) || val[0] == '\0')
            continue;
        n = strlen(val);
        if (n > 3 && val[0] == '$' && val[1] == '{' && val[n - 1] == '}') {
            val[n - 1] = '\0';
            val = getenv(val + 2);
            if (val == NULL)
                continue;
        }
        if (gate_add_secret(r, strdup(val)) != 0) { /* lives until exit */
            (void)fclose(f);
            return -1;
        }
    }
    (void)fclose(f);
    return 0;
}

static int read_secrets(struct gate_rules *r, const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *v = trim(line);

        if (v[0] != '\0' && gate_add_secret(r, strdup(v)) != 0) {
            (void)fclose(f);
            return -1;
        }
    }
    (void)fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    static struct gate_rules r;
    const char *dbs[GATE_MAX];
    size_t ndbs = 0;
    long findings = 0, lines = 0, texts = 0, n, c;
    int i, nlogs = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (i + 1 < argc && strcmp(a, "--secret") == 0) {
            if (gate_add_secret(&r, argv[++i]) != 0)
                return 2;
        } else if (i + 1 < argc && strcmp(a, "--expect") == 0) {
            if (gate_add_expected(&r, argv[++i]) != 0)
                return 2;
        } else if (i + 1 < argc && strcmp(a, "--secrets") == 0) {
            if (read_secrets(&r, argv[++i]) != 0)
                return 2;
        } else if (i + 1 < argc && strcmp(a, "--conf") == 0) {
            if (read_conf(&r, argv[++i]) != 0)
                return 2;
        } else if (i + 1 < argc && strcmp(a, "--db") == 0 && ndbs < GATE_MAX)
            dbs[ndbs++] = argv[++i];
        else if (a[0] == '-') {
            (void)fputs(usage, stderr);
            return 2;
        } else
            break;
    }
    if (i == argc) {
        (void)fputs(usage, stderr);
        return 2;
    }
    for (; i < argc; i++, nlogs++) {
        n = gate_scan_log(&r, argv[i], stdout, &c);
        if (n < 0)
            return 2;
        findings += n;
        lines += c;
    }
    for (size_t d = 0; d < ndbs; d++) {
        n = gate_scan_db(&r, dbs[d], stdout, &c);
        if (n < 0)
            return 2;
        findings += n;
        texts += c;
    }
    printf("log gate: %d logs, %ld log lines, %zu databases, %ld stored "
           "texts, %zu secrets: %s",
           nlogs, lines, ndbs, texts, r.nsecrets, findings ? "" : "ok\n");
    if (findings)
        printf("%ld findings\n", findings);
    return findings ? 1 : 0;
}
