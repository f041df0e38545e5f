/* log.c - stderr logger */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "common/banned.h"

static enum log_level min_level = LOG_INFO;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void log_set_level(enum log_level level)
{
    min_level = level;
}

enum log_level log_get_level(void)
{
    return min_level;
}

int log_level_parse(const char *name)
{
    static const char *const lower[] = {"debug", "info", "warn", "error"};
    int i;

    for (i = 0; i < 4; i++)
        if (strcasecmp(name, lower[i]) == 0)
            return i;
    return -1;
}

void log_write(enum log_level level, const char *subsys, const char *fmt, ...)
{
    char line[1024], stamp[32];
    struct tm tm;
    time_t now;
    va_list ap;
    size_t i;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (i = 0; line[i] != '\0'; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = '?';
    now = time(NULL);
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        stamp[0] = '\0';
    /* One fprintf per line: stdio locks the stream, so threads do not
     * interleave within a line. */
    (void)fprintf(stderr, "%s %s %s: %s\n", stamp,
                  level_names[level < 4 ? level : 3], subsys, line);
}

void log_mask_phone(const char *phone, char *out, size_t size)
{
    size_t n, i, o = 0;

    if (size == 0)
        return;
    n = phone ? strlen(phone) : 0;
    for (i = 0; i < n && o + 1 < size; i++) {
        char c = phone[i];

        if (n > 7 && i >= 4 && i + 3 < n)
            c = '*';
        else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
            c = '?';
        out[o++] = c;
    }
    out[o] = '\0';
}
