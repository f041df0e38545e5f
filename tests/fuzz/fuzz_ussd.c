/* fuzz_ussd.c - libFuzzer target: the USSD path (menu walk, commit, AT
 * dialect)
 *
 * The handler tests' fixture in memory, as fuzz_sms. Byte 0 picks the
 * caller, byte 1 how many leading inputs to skip (an idle restart); the
 * rest is the hop's text, every input so far joined by '*', as Africa's
 * Talking sends it. Each input is walked; a final hop that writes is
 * committed in a transaction that is rolled back. The same bytes also go
 * through the AT dialect's parse as the value of `text`.
 *
 * Invariants: the walk answers every input (GW_OK) with a printable
 * screen of at most 182 characters; a dedup key, when there is one (always
 * for a write), starts with the session id; a commit gives an END screen and
 * messages of one segment.
 */
#include <stdbool.h>
#include <string.h>

#include "common/dt_limits.h"
#include "common/strv.h"
#include "config/config.h"
#include "db/db.h"
#include "gateway/ussd.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "handlers/ussd.h"
#include "tests/fuzz/fuzz.h"
#include "tests/support/member_fixture.h"
#include "text/date.h"

static struct db *db;
static struct templates tpl;
static struct dt_config cfg;
static struct handler_ctx hctx;

static const char *const callers[] = {FIX_LEADER,  FIX_ONE,     FIX_PENDING,
                                      FIX_MULTI,   FIX_NOLOAN,  FIX_EMPTY,
                                      FIX_UNKNOWN, FIX_OFFICER, ""};
#define NCALLERS (sizeof(callers) / sizeof(callers[0]))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[256];

    (void)argc;
    (void)argv;
    config_defaults(&cfg);
    if (db_open(":memory:", &db) != GW_OK || member_fixture_load(db) != GW_OK ||
        templates_load("config/messages.conf", &tpl, err, sizeof(err)) !=
            GW_OK) {
        (void)fprintf(stderr, "fuzz_ussd: setup failed (run from the top)\n");
        abort();
    }
    hctx.cfg = &cfg;
    hctx.tpl = &tpl;
    return 0;
}

static void check_screen(const char *s)
{
    size_t len = strlen(s), i;

    FUZZ_CHECK(len > 0 && len <= DT_USSD_SCREEN_MAX);
    for (i = 0; i < len; i++)
        FUZZ_CHECK((s[i] >= 0x20 && s[i] < 0x7F) || s[i] == '\n');
}

static void fuzz_dialect(const uint8_t *data, size_t size)
{
    const struct ussd_dialect *d = ussd_dialect_find("africastalking");
    static char text[USSD_TEXT_MAX + 1];
    struct http_req req;
    struct prov_ussd u;
    size_t n = size < USSD_TEXT_MAX ? size : USSD_TEXT_MAX;

    FUZZ_CHECK(d != NULL);
    memcpy(text, data, n);
    text[n] = '\0';
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.path = "/v1/africastalking/ussd";
    req.body = "";
    req.content_type = "application/x-www-form-urlencoded";
    req.form[0] = (struct kv){"sessionId", "ATUid_fuzz", 10};
    req.form[1] = (struct kv){"phoneNumber", "+84912000001", 12};
    req.form[2] = (struct kv){"serviceCode", "*384*1#", 7};
    req.form[3] = (struct kv){"text", text, strlen(text)};
    req.nform = 4;
    memset(&u, 0, sizeof(u));
    if (d->parse(&req, &u) == GW_OK) {
        FUZZ_CHECK(strcmp(u.session_id, "ATUid_fuzz") == 0);
        FUZZ_CHECK(u.text.len == strlen(text));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ussd_step step;
    static struct reply out;
    struct ussd_hop hop;
    gw_err err;
    size_t i;

    if (size < 2 || size - 2 > USSD_TEXT_MAX)
        return 0;
    memset(&hop, 0, sizeof(hop));
    memset(&step, 0, sizeof(step));
    hop.provider = "africastalking";
    hop.session_id = "ATUid_fuzz";
    (void)strv_copy(strv_from_cstr(callers[data[0] % NCALLERS]), hop.phone,
                    sizeof(hop.phone));
    hop.text = strv_make((const char *)data + 2, size - 2);
    hop.skip = data[1] % 4;
    if (hop.skip > ussd_count_inputs(hop.text))
        hop.skip = 0;
    hop.today = (struct dt_date){2026, 5, 10};
    hop.now = date_to_days(&hop.today) * 86400 + 9 * 3600;

    FUZZ_CHECK(db_begin(db) == GW_OK);
    err = ussd_walk(db, &hctx, &hop, &step);
    FUZZ_CHECK(err == GW_OK);
    /* A walk refused early (too many inputs) has no key; a write has. */
    if (step.write || step.key[0])
        FUZZ_CHECK(strncmp(step.key, "ATUid_fuzz:", 11) == 0);
    FUZZ_CHECK(memchr(step.stored, '\0', sizeof(step.stored)) != NULL);
    if (step.write) {
        memset(&out, 0, sizeof(out));
        err = ussd_commit(db, &hctx, &hop, &step, &out);
        FUZZ_CHECK(err == GW_OK);
        FUZZ_CHECK(step.end);
        FUZZ_CHECK(out.nmsgs <= REPLY_MAX_MSGS);
        for (i = 0; i < out.nmsgs; i++)
            FUZZ_CHECK(strlen(out.msgs[i].text) <= DT_SMS_MAX);
    }
    db_rollback(db);
    check_screen(step.screen);
    ussd_step_wipe(&step);

    fuzz_dialect(data + 2, size - 2);
    return 0;
}
