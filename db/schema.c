/* schema.c - the migrations, oldest first
 *
 * Never edit a migration that has shipped: append a new one. Each runs in
 * its own transaction and sets PRAGMA user_version to its number.
 *
 * Conventions: money is INTEGER whole VND; dates are TEXT 'YYYY-MM-DD' in
 * Vietnam local time; instants are INTEGER Unix seconds (UTC); phones are
 * E.164 TEXT; codes are the bank's own keys and are what imports upsert by.
 */
#include <stddef.h>

#include "db/db_internal.h"
#include "common/banned.h"

static const char *const migration_1[] = {
    /* The bank's master data, imported from its exports. */
    "CREATE TABLE communes ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " district TEXT NOT NULL,"
    " province TEXT NOT NULL,"
    " session_day INTEGER NOT NULL CHECK (session_day BETWEEN 1 AND 28),"
    " officer_phone TEXT NOT NULL);",

    "CREATE TABLE groups ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " commune_id INTEGER NOT NULL REFERENCES communes(id),"
    " union_name TEXT NOT NULL);",
    "CREATE INDEX groups_commune ON groups(commune_id);",

    /* One phone, one member: a reply to a shared phone would show one
     * member's figures to another; and one member per (group, seq). These
     * are not UNIQUE constraints because SQLite checks those after every
     * statement, so an import that swaps two phones or renumbers a group
     * would clash with itself half-way. (Parking the file's members on
     * temporary values first cannot work within the CHECKs: a group may
     * use every seq from 1 to 999.) db/db_import.c, the only writer of
     * these columns, guarantees them instead: db_member_upsert() checks
     * before it writes, and an import checks the file's final state with
     * db_member_conflicts() before it commits. The plain indexes keep that
     * check and every look-up by phone fast. */
    "CREATE TABLE members ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " group_id INTEGER NOT NULL REFERENCES groups(id),"
    " seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999),"
    " full_name TEXT NOT NULL,"
    " phone TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('member', 'leader')),"
    " reminders INTEGER NOT NULL CHECK (reminders IN (0, 1)),"
    " campaigns INTEGER NOT NULL CHECK (campaigns IN (0, 1)));",
    "CREATE INDEX members_phone ON members(phone);",
    "CREATE INDEX members_group_seq ON members(group_id, seq);",

    "CREATE TABLE loans ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " member_id INTEGER NOT NULL REFERENCES members(id),"
    " program TEXT NOT NULL,"
    " disbursed_on TEXT NOT NULL,"
    " disbursed_amount INTEGER NOT NULL CHECK (disbursed_amount >= 0),"
    " outstanding INTEGER NOT NULL CHECK (outstanding >= 0),"
    " monthly_rate_bp INTEGER NOT NULL CHECK (monthly_rate_bp >= 0),"
    " maturity_on TEXT NOT NULL,"
    " next_principal_on TEXT,"
    " next_principal_amount INTEGER NOT NULL CHECK (next_principal_amount >= "
    "0),"
    " interest_due INTEGER NOT NULL CHECK (interest_due >= 0),"
    " overdue_amount INTEGER NOT NULL CHECK (overdue_amount >= 0),"
    " status TEXT NOT NULL CHECK (status IN"
    "  ('current', 'overdue', 'extended', 'frozen', 'closed')));",
    "CREATE INDEX loans_member ON loans(member_id);",

    "CREATE TABLE savings ("
    " member_id INTEGER PRIMARY KEY REFERENCES members(id),"
    " balance INTEGER NOT NULL CHECK (balance >= 0),"
    " updated_at INTEGER NOT NULL);",

    /* Leaders' PINs: Argon2id strings from libsodium, peppered. */
    "CREATE TABLE pins ("
    " member_id INTEGER PRIMARY KEY REFERENCES members(id),"
    " hash TEXT NOT NULL,"
    " fails INTEGER NOT NULL DEFAULT 0,"
    " locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
    " updated_at INTEGER NOT NULL);",

    /* Every inbound SMS or USSD hop that changed or could change state.
     * (provider, provider_id) is the provider's message id: a repeat is
     * acknowledged with no second effect. text never holds a PIN. */
    "CREATE TABLE inbound ("
    " id INTEGER PRIMARY KEY,"
    " provider TEXT NOT NULL,"
    " provider_id TEXT NOT NULL,"
    " channel TEXT NOT NULL CHECK (channel IN ('sms', 'ussd')),"
    " phone TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " UNIQUE (provider, provider_id));",

    /* Collections a leader records; receipt_code is what the member and
     * the bank's postings refer to. */
    "CREATE TABLE collections ("
    " id INTEGER PRIMARY KEY,"
    " receipt_code TEXT NOT NULL UNIQUE,"
    " member_id INTEGER NOT NULL REFERENCES members(id),"
    " leader_id INTEGER NOT NULL REFERENCES members(id),"
    " group_id INTEGER NOT NULL REFERENCES groups(id),"
    " session_on TEXT NOT NULL,"
    " interest INTEGER NOT NULL CHECK (interest >= 0),"
    " savings INTEGER NOT NULL CHECK (savings >= 0),"
    " principal INTEGER NOT NULL CHECK (principal >= 0),"
    " state TEXT NOT NULL CHECK (state IN ('RECORDED', 'CONFIRMED',"
    "  'DISPUTED', 'VOIDED', 'POSTED', 'UNPOSTED')),"
    " channel TEXT NOT NULL,"
    " inbound_id INTEGER REFERENCES inbound(id),"
    " remitted_at INTEGER,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);",
    "CREATE INDEX collections_member ON collections(member_id, created_at);",
    "CREATE INDEX collections_group ON collections(group_id, session_on);",

    /* What the bank booked, from its postings export. */
    "CREATE TABLE postings ("
    " id INTEGER PRIMARY KEY,"
    " receipt_code TEXT NOT NULL UNIQUE,"
    " posted_on TEXT NOT NULL,"
    " interest INTEGER NOT NULL CHECK (interest >= 0),"
    " savings INTEGER NOT NULL CHECK (savings >= 0),"
    " principal INTEGER NOT NULL CHECK (principal >= 0),"
    " imported_at INTEGER NOT NULL);",

    /* Append-only: the triggers refuse any change to a written row. */
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " phone TEXT,"
    " action TEXT NOT NULL,"
    " object TEXT,"
    " before TEXT,"
    " after TEXT);",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;",

    /* The durable outbox: every MT message, committed with whatever caused
     * it, then sent (at least once) by the sender thread. */
    "CREATE TABLE outbox ("
    " id INTEGER PRIMARY KEY,"
    " phone TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " member_id INTEGER REFERENCES members(id),"
    " inbound_id INTEGER REFERENCES inbound(id),"
    " state TEXT NOT NULL CHECK (state IN ('QUEUED', 'SENDING', 'SENT',"
    "  'DELIVERED', 'UNDELIVERED', 'FAILED')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER NOT NULL,"
    " provider TEXT,"
    " provider_msg_id TEXT,"
    " last_error TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);",
    "CREATE INDEX outbox_due ON outbox(state, next_at);",
    "CREATE INDEX outbox_provider_msg ON outbox(provider_msg_id);",

    /* Every send attempt with the aggregator's answer. */
    "CREATE TABLE send_attempts ("
    " id INTEGER PRIMARY KEY,"
    " outbox_id INTEGER NOT NULL REFERENCES outbox(id),"
    " at INTEGER NOT NULL,"
    " http_status INTEGER NOT NULL,"
    " result TEXT NOT NULL,"
    " detail TEXT);",

    /* Unknown numbers get at most one short reply a day. */
    "CREATE TABLE unknown_replies ("
    " phone TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " PRIMARY KEY (phone, day));",
    NULL,
};

/* Scheduled messages (handlers/remind.c) and the report. */
static const char *const migration_2[] = {
    /* Once-only: one row per (member, kind, period), written in the same
     * transaction as the outbox row, so no pass or restart sends twice. */
    "CREATE TABLE remind_sent ("
    " member_id INTEGER NOT NULL REFERENCES members(id),"
    " kind TEXT NOT NULL,"
    " period TEXT NOT NULL,"
    " outbox_id INTEGER REFERENCES outbox(id),"
    " at INTEGER NOT NULL,"
    " PRIMARY KEY (member_id, kind, period)) WITHOUT ROWID;",
    /* A commune whose pass for (kind, period) finished: later passes skip
     * it instead of scanning its members again. */
    "CREATE TABLE remind_done ("
    " commune_id INTEGER NOT NULL REFERENCES communes(id),"
    " kind TEXT NOT NULL,"
    " period TEXT NOT NULL,"
    " sent INTEGER NOT NULL,"
    " at INTEGER NOT NULL,"
    " PRIMARY KEY (commune_id, kind, period)) WITHOUT ROWID;",
    "CREATE INDEX communes_session_day ON communes(session_day);",
    /* Leaders of a group without scanning its members. */
    "CREATE INDEX members_group_role ON members(group_id, role);",
    /* The 3-a-day advertising cap counts a member's CAMPAIGN rows. */
    "CREATE INDEX outbox_member_kind ON outbox(member_id, kind, created_at);",
    /* "Paid this session" and the report's per-session sums. */
    "CREATE INDEX collections_member_session ON collections(member_id,"
    " session_on);",
    "CREATE INDEX collections_session ON collections(session_on);",
    NULL,
};

static const char *const migration_3[] = {
    /* A second dedup key of an inbound message, where a provider gives
     * one: eSMS's sign, which the same MO re-cut into other fields keeps
     * (docs/PROVIDERS.md). */
    "CREATE TABLE inbound_alias ("
    " provider TEXT NOT NULL,"
    " alias TEXT NOT NULL,"
    " inbound_id INTEGER NOT NULL REFERENCES inbound(id),"
    " PRIMARY KEY (provider, alias)) WITHOUT ROWID;",
    NULL,
};

static const char *const migration_4[] = {
    /* Every delivery report that did not move its message as it came:
     * held because the message was still being sent (applied, when it
     * names the provider that then sent it, once the send is recorded),
     * or kept for inspection because it contradicted a final state, came
     * through another provider's endpoint, or named a message never sent. */
    "CREATE TABLE dlr_kept ("
    " id INTEGER PRIMARY KEY,"
    " outbox_id INTEGER NOT NULL REFERENCES outbox(id),"
    " provider TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('DELIVERED', 'UNDELIVERED')),"
    " reason TEXT NOT NULL CHECK (reason IN ('held', 'applied', 'conflict',"
    "  'other_provider', 'not_sent')),"
    " at INTEGER NOT NULL);",
    "CREATE INDEX dlr_kept_outbox ON dlr_kept(outbox_id, reason);",
    NULL,
};

static const char *const migration_5[] = {
    /* The state a receipt was in when the member disputed it: what its
     * leader keeps seeing (a dispute is the officer's to know), and
     * whether its amounts still count (not when it had been voided). */
    "ALTER TABLE collections ADD COLUMN disputed_from TEXT;",
    NULL,
};

static const char *const migration_6[] = {
    /* Priority classes (DB_OUTBOX_CLASS): a receipt is claimed before
     * replies, and replies before reminders and campaigns; the claim
     * walks the due index in class order. */
    "ALTER TABLE outbox ADD COLUMN class INTEGER NOT NULL DEFAULT 1;",
    "UPDATE outbox SET class = " DB_OUTBOX_CLASS("kind") ";",
    "DROP INDEX outbox_due;",
    "CREATE INDEX outbox_due ON outbox(state, class, next_at);",
    /* The hourly cap on replies to unknown numbers counts by time. */
    "ALTER TABLE unknown_replies ADD COLUMN at INTEGER NOT NULL DEFAULT 0;",
    "CREATE INDEX unknown_replies_at ON unknown_replies(at);",
    NULL,
};

static const char *const migration_7[] = {
    /* The member's own words with her dispute (SAI code words...): for
     * the officer, never the leader. */
    "ALTER TABLE collections ADD COLUMN dispute_note TEXT;",
    NULL,
};

static const char *const migration_8[] = {
    /* The officers' console: accounts (Argon2id password strings,
     * peppered), the communes each may see, sessions (only a hash of the
     * cookie's token is kept), and what an officer decided about an item
     * of the queue. Officer actions are audited in audit (actor
     * "officer:USER", object the receipt code). */
    "CREATE TABLE officers ("
    " id INTEGER PRIMARY KEY,"
    " user TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('commune', 'union', 'admin')),"
    " hash TEXT NOT NULL,"
    " fails INTEGER NOT NULL DEFAULT 0,"
    " locked_until INTEGER NOT NULL DEFAULT 0,"
    " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);",
    "CREATE TABLE officer_communes ("
    " officer_id INTEGER NOT NULL REFERENCES officers(id),"
    " commune_id INTEGER NOT NULL REFERENCES communes(id),"
    " PRIMARY KEY (officer_id, commune_id)) WITHOUT ROWID;",
    "CREATE TABLE console_sessions ("
    " token_hash TEXT PRIMARY KEY,"
    " officer_id INTEGER NOT NULL REFERENCES officers(id),"
    " csrf TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL) WITHOUT ROWID;",
    "CREATE TABLE resolutions ("
    " id INTEGER PRIMARY KEY,"
    " collection_id INTEGER NOT NULL REFERENCES collections(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('DISPUTE', 'UNBOOKED', 'MISMATCH',"
    "  'UNDELIVERED')),"
    " outcome TEXT NOT NULL CHECK (outcome IN ('MEMBER', 'LEADER', 'BANK')),"
    " note TEXT NOT NULL,"
    " officer_id INTEGER NOT NULL REFERENCES officers(id),"
    " at INTEGER NOT NULL,"
    " UNIQUE (collection_id, kind));",
    /* The queue walks receipts by state, and an item's story by code; a
     * member's page reads what her phone sent, a leader's page the
     * receipts she recorded. */
    "CREATE INDEX collections_state ON collections(state, session_on);",
    "CREATE INDEX collections_leader ON collections(leader_id, session_on);",
    "CREATE INDEX audit_object ON audit(object, at);",
    "CREATE INDEX inbound_phone ON inbound(phone, received_at);",
    /* Each group's loans as the bank exported them at a session (kept
     * after every loans import): the overdue ratio's history. */
    "CREATE TABLE kpi_history ("
    " group_id INTEGER NOT NULL REFERENCES groups(id),"
    " session_on TEXT NOT NULL,"
    " outstanding INTEGER NOT NULL,"
    " overdue INTEGER NOT NULL,"
    " due INTEGER NOT NULL,"
    " at INTEGER NOT NULL,"
    " PRIMARY KEY (group_id, session_on)) WITHOUT ROWID;",
    NULL,
};

static const char *const migration_9[] = {
    /* Training communes ([console] training_communes, set at each start
     * of serve): no message to their members or their officer's phone
     * ever leaves; the outbox stores it as sent by "simulator". */
    "CREATE TABLE training_communes ("
    " commune_id INTEGER PRIMARY KEY REFERENCES communes(id));",
    NULL,
};

/* The admin's delivery page counts a week of every message: at a
 * million members that is a million rows to walk (0.7 s). The outbox
 * keeps its own tally instead, by the hour it was created, provider,
 * number prefix and state, moved by triggers in the same transaction as
 * the message; the page reads a few thousand rows. */
#define TALLY_ADD(ROW)                                                         \
    "INSERT INTO delivery_tally VALUES (" ROW ".created_at / 3600,"            \
    " COALESCE(" ROW ".provider, ''), substr(" ROW ".phone, 4, 2), " ROW       \
    ".state, 1) ON CONFLICT DO UPDATE SET n = n + 1;"
#define TALLY_KEY(ROW)                                                         \
    " WHERE hour = " ROW ".created_at / 3600 AND provider = COALESCE(" ROW     \
    ".provider, '') AND prefix = substr(" ROW ".phone, 4, 2) AND state = " ROW \
    ".state"
#define TALLY_SUB(ROW)                                                         \
    "UPDATE delivery_tally SET n = n - 1" TALLY_KEY(                           \
        ROW) ";"                                                               \
             " DELETE FROM delivery_tally" TALLY_KEY(ROW) " AND n <= 0; "
static const char *const migration_10[] = {
    "CREATE TABLE delivery_tally ("
    " hour INTEGER NOT NULL,"
    " provider TEXT NOT NULL,"
    " prefix TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY (hour, provider, prefix, state)) WITHOUT ROWID;",
    "INSERT INTO delivery_tally SELECT created_at / 3600,"
    " COALESCE(provider, ''), substr(phone, 4, 2), state, COUNT(*)"
    " FROM outbox GROUP BY 1, 2, 3, 4;",
    "CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox "
    "BEGIN " TALLY_ADD("new") " END;",
    "CREATE TRIGGER outbox_tally_update AFTER UPDATE OF state, provider"
    " ON outbox WHEN old.state IS NOT new.state"
    " OR old.provider IS NOT new.provider BEGIN " TALLY_SUB("old")
        TALLY_ADD("new") " END;",
    "CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox "
    "BEGIN " TALLY_SUB("old") " END;",
    /* Messages still waiting: a few rows of the tally (a row that falls
     * to 0 goes), the oldest found in its hour by created_at. */
    "CREATE INDEX delivery_tally_state ON delivery_tally(state, hour);",
    "CREATE INDEX outbox_created ON outbox(created_at);",
    NULL,
};
#undef TALLY_SUB
#undef TALLY_KEY
#undef TALLY_ADD

const char *const *const db_migrations[] = {
    migration_1, migration_2, migration_3, migration_4, migration_5,
    migration_6, migration_7, migration_8, migration_9, migration_10,
};

const int db_migration_count =
    (int)(sizeof(db_migrations) / sizeof(db_migrations[0]));
