/* baseline.c - the reference point: bare libmicrohttpd, one SQLite commit
 * per request
 *
 *   baseline PORT DB normal|full|echo
 *
 * The "bare libmicrohttpd + one commit per request" server of SPEC
 * section 9, for bench/run.sh to measure in the same run as diemtua.
 * It calls SQLite directly on purpose, outside db/: it is the bare
 * reference diemtua is compared with, never linked into diemtua.
 * Each GET stores the id, from and text query parameters with one INSERT
 * in autocommit mode (one transaction, one WAL commit: fsync'd with
 * synchronous=FULL, not with NORMAL) and answers 200 only after it; a
 * repeated id is answered 200 too. Mode echo stores nothing and answers
 * "OK" (Kannel's trivial get-url responder in the peer loop). Stops on
 * SIGTERM/SIGINT. Bench code: not part of the product.
 */
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

static sqlite3 *conn;
static sqlite3_stmt *ins;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int echo_mode;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, status, r);

    MHD_destroy_response(r);
    return ret;
}

static const char *arg(struct MHD_Connection *c, const char *key)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);

    return v ? v : "";
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *size, void **ctx)
{
    int rc;

    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)data;
    if (*ctx == NULL) { /* headers only so far */
        *ctx = c;
        return MHD_YES;
    }
    if (*size) { /* GET only: ignore a body */
        *size = 0;
        return MHD_YES;
    }
    if (echo_mode)
        return reply(c, 200, "OK");
    (void)pthread_mutex_lock(&lock);
    sqlite3_bind_text(ins, 1, arg(c, "id"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, arg(c, "from"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, arg(c, "text"), -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    (void)pthread_mutex_unlock(&lock);
    if (rc != SQLITE_DONE)
        return reply(c, 503, "busy");
    return reply(c, 200, "");
}

static int exec(const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        (void)fprintf(stderr, "baseline: %s: %s\n", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    sigset_t set;
    int sig, port;

    if (argc != 4) {
        (void)fprintf(stderr, "usage: baseline PORT DB normal|full|echo\n");
        return 2;
    }
    port = (int)strtol(argv[1], NULL, 10);
    echo_mode = strcmp(argv[3], "echo") == 0;
    if (!echo_mode) {
        if (sqlite3_open(argv[2], &conn) != SQLITE_OK)
            return 1;
        if (exec("PRAGMA journal_mode=WAL") ||
            exec(strcmp(argv[3], "full") == 0 ? "PRAGMA synchronous=FULL"
                                               : "PRAGMA synchronous=NORMAL") ||
            exec("CREATE TABLE IF NOT EXISTS inbox(id TEXT PRIMARY KEY, "
                 "phone TEXT, text TEXT)"))
            return 1;
        if (sqlite3_prepare_v2(conn,
                               "INSERT OR IGNORE INTO inbox VALUES(?,?,?)", -1,
                               &ins, NULL) != SQLITE_OK)
            return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)sigemptyset(&set);
    (void)sigaddset(&set, SIGTERM);
    (void)sigaddset(&set, SIGINT);
    (void)pthread_sigmask(SIG_BLOCK, &set, NULL);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0,
                         NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                         MHD_OPTION_THREAD_POOL_SIZE, 2,
                         MHD_OPTION_CONNECTION_LIMIT, 1000,
                         MHD_OPTION_CONNECTION_TIMEOUT, 10, MHD_OPTION_END);
    if (d == NULL) {
        (void)fprintf(stderr, "baseline: cannot listen on port %d\n", port);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    (void)printf("%u\n", info ? info->port : (unsigned)port);
    (void)fflush(stdout);
    (void)sigwait(&set, &sig);
    MHD_stop_daemon(d);
    if (ins)
        sqlite3_finalize(ins);
    if (conn)
        sqlite3_close(conn);
    return 0;
}
