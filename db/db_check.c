/* db_check.c - is this file a diemtua database serve may start on? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "db/db_internal.h"
#include "common/banned.h"

/* The first row of a one-value query, as text, into out; SQLite's error
 * code otherwise. */
static int one_text(sqlite3 *c, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);

            char *p;

            (void)snprintf(out, size, "%s", t ? (const char *)t : "");
            for (p = out; *p != '\0'; p++) /* quick_check's lines */
                if (*p == '\n')
                    *p = ' ';
            rc = SQLITE_OK;
        }
    }
    (void)sqlite3_finalize(st);
    return rc;
}

static gw_err refuse(const char *path, const char *why)
{
    log_error("db", "refusing to start on %s: %s", path, why);
    return GW_EDB;
}

gw_err db_check_start(const char *path)
{
    sqlite3 *c = NULL;
    struct stat st;
    char text[256], why[320];
    int rc, version;
    gw_err err = GW_OK;

    if (stat(path, &st) != 0) {
        log_error("db",
                  "refusing to start: no database at %s (create it "
                  "with diemtua import, or restore it from a backup)",
                  path);
        return GW_ENOTFOUND;
    }
    if (!S_ISREG(st.st_mode))
        return refuse(path, "not a regular file");
    if (st.st_size == 0)
        return refuse(path, "the file is empty (0 bytes): not a diemtua "
                            "database; restore it from a backup");
    /* No SQLITE_OPEN_CREATE: whatever happens, no new database. */
    rc = sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc == SQLITE_OK)
        rc = one_text(c, "PRAGMA user_version", text, sizeof(text));
    if (rc != SQLITE_OK) {
        (void)snprintf(why, sizeof(why),
                       "cannot read it (%s): damaged, or not an SQLite "
                       "database; restore it from a backup",
                       c ? sqlite3_errmsg(c) : sqlite3_errstr(rc));
        err = refuse(path, why);
        goto out;
    }
    version = (int)strtol(text, NULL, 10);
    if (version == 0) {
        err = refuse(path, "it holds no diemtua schema (create the database "
                           "with diemtua import)");
        goto out;
    }
    if (version > db_migration_count) {
        (void)snprintf(why, sizeof(why),
                       "schema version %d is newer than this build (%d)",
                       version, db_migration_count);
        err = refuse(path, why);
        goto out;
    }
    /* Every page and index, without the slower cross-checks of
     * integrity_check: seconds on a million members. */
    rc = one_text(c, "PRAGMA quick_check(1)", text, sizeof(text));
    if (rc != SQLITE_OK || strcmp(text, "ok") != 0) {
        (void)snprintf(why, sizeof(why),
                       "it is damaged (quick_check: %.200s); restore it "
                       "from a backup",
                       rc != SQLITE_OK ? sqlite3_errmsg(c) : text);
        err = refuse(path, why);
    }
out:
    (void)sqlite3_close_v2(c);
    return err;
}
