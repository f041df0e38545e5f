/* fuzz_sms.c - libFuzzer target: the SMS command grammar (handle_sms)
 *
 * An in-memory database with the handler tests' fixture (a leader, five
 * members, an officer) and the shipped templates. The first byte picks
 * the sender (the fixture's numbers, an unknown one, none); the rest is
 * the message text. Each input runs in a transaction that is rolled back,
 * so every input sees the same data.
 *
 * Invariants: a user's mistake is never an error; every message is one
 * printable-ASCII GSM-7 segment; a reply goes to the sender only; an
 * unknown or missing number gets at most one message; the stored text is
 * bounded and keeps no more than the input did.
 */
#include <stdbool.h>
#include <string.h>

#include "common/dt_limits.h"
#include "common/strv.h"
#include "config/config.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "tests/fuzz/fuzz.h"
#include "tests/support/member_fixture.h"
#include "text/date.h"
#include "text/gsm7.h"

static struct db *db;
static struct templates tpl;
static struct dt_config cfg;
static struct handler_ctx hctx;

static const char *const senders[] = {FIX_LEADER,  FIX_ONE,     FIX_PENDING,
                                      FIX_MULTI,   FIX_NOLOAN,  FIX_EMPTY,
                                      FIX_UNKNOWN, FIX_OFFICER, ""};
#define NSENDERS (sizeof(senders) / sizeof(senders[0]))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[256];

    (void)argc;
    (void)argv;
    config_defaults(&cfg);
    if (db_open(":memory:", &db) != GW_OK || member_fixture_load(db) != GW_OK ||
        templates_load("config/messages.conf", &tpl, err, sizeof(err)) !=
            GW_OK) {
        (void)fprintf(stderr, "fuzz_sms: setup failed (run from the top)\n");
        abort();
    }
    hctx.cfg = &cfg;
    hctx.tpl = &tpl;
    return 0;
}

static void check_msg(const struct out_msg *m, const char *sender)
{
    size_t len = strlen(m->text), i, septets = 0;

    FUZZ_CHECK(len > 0 && len <= DT_SMS_MAX);
    for (i = 0; i < len; i++)
        FUZZ_CHECK(m->text[i] >= 0x20 && m->text[i] < 0x7F);
    FUZZ_CHECK(gsm7_septets(m->text, len, &septets) == GW_OK);
    FUZZ_CHECK(septets <= DT_SMS_MAX);
    FUZZ_CHECK(m->kind != NULL);
    FUZZ_CHECK(m->phone[0] != '\0');
    /* One member's figures never go to another member. */
    if (strcmp(m->kind, "REPLY") == 0)
        FUZZ_CHECK(strcmp(m->phone, sender) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct reply out;
    struct sms_in in;
    const char *sender;
    bool known;
    gw_err err;
    size_t i;

    if (size < 1 || size - 1 > DT_SMS_IN_MAX)
        return 0;
    sender = senders[data[0] % NSENDERS];
    known = sender[0] != '\0' && strcmp(sender, FIX_UNKNOWN) != 0 &&
            strcmp(sender, FIX_OFFICER) != 0;
    memset(&in, 0, sizeof(in));
    memset(&out, 0, sizeof(out));
    in.provider = "kannel";
    in.channel = "sms";
    FUZZ_CHECK(strv_copy(strv_from_cstr(sender), in.phone, sizeof(in.phone)) ==
               GW_OK);
    in.text = strv_make((const char *)data + 1, size - 1);
    in.today = (struct dt_date){2026, 5, 10};
    in.now = date_to_days(&in.today) * 86400 + 9 * 3600;

    FUZZ_CHECK(db_begin(db) == GW_OK);
    err = handle_sms(db, &hctx, &in, &out);
    db_rollback(db);

    FUZZ_CHECK(err == GW_OK);
    FUZZ_CHECK(out.nmsgs <= REPLY_MAX_MSGS);
    if (!known)
        FUZZ_CHECK(out.nmsgs <= 1);
    for (i = 0; i < out.nmsgs; i++)
        check_msg(&out.msgs[i], sender);
    FUZZ_CHECK(memchr(out.stored_text, '\0', sizeof(out.stored_text)) != NULL);
    return 0;
}
