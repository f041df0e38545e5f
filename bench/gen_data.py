#!/usr/bin/env python3
"""gen_data.py - a large synthetic database for the reminder pass benchmark

Usage: bench/gen_data.py DB [MEMBERS]   (default 1,000,000 members)

DB must already exist with diemtua's schema (any subcommand that opens it
creates and migrates it, e.g. `diemtua report --db DB`). Writes about 36
members a group, 10 groups a commune, session days spread over 1..28, two
loans a member (one member in 20 overdue), savings for every member, and
one collection for a third of the members at the November 2026 session.
Deterministic (fixed seed). Not a test: the figures in the report come
from bench/remind_bench.sh.
"""
import random
import sqlite3
import sys

GROUP_SIZE = 36
GROUPS_PER_COMMUNE = 10


def main():
    path = sys.argv[1]
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rnd = random.Random(17)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = WAL")
    ngroups = (members + GROUP_SIZE - 1) // GROUP_SIZE
    ncommunes = (ngroups + GROUPS_PER_COMMUNE - 1) // GROUPS_PER_COMMUNE
    db.executemany(
        "INSERT INTO communes VALUES (?, ?, ?, 'Huyen', 'Long An', ?, ?)",
        ((c, "C%05d" % c, "Xa So %d" % c, 1 + c % 28,
          "+8491%07d" % (9000000 + c)) for c in range(1, ncommunes + 1)))
    db.executemany(
        "INSERT INTO groups VALUES (?, ?, ?, ?, 'HPN')",
        ((g, "G%06d" % g, "To %d" % g, 1 + (g - 1) // GROUPS_PER_COMMUNE)
         for g in range(1, ngroups + 1)))

    def member_rows():
        for m in range(1, members + 1):
            g = 1 + (m - 1) // GROUP_SIZE
            seq = 1 + (m - 1) % GROUP_SIZE
            yield (m, "M%07d" % m, g, seq, "Nguyen Thi Thanh Nhung %d" % m,
                   "+8498%07d" % m, "leader" if seq == 1 else "member",
                   0 if m % 25 == 0 else 1, 1 if m % 3 == 0 else 0)
    db.executemany("INSERT INTO members VALUES (?,?,?,?,?,?,?,?,?)",
                   member_rows())

    def loan_rows():
        n = 0
        for m in range(1, members + 1):
            for k in range(2):
                n += 1
                out = rnd.randrange(5, 100) * 1_000_000
                overdue = rnd.randrange(1, 20) * 100_000 \
                    if (m % 20 == 0 and k == 0) else 0
                yield ("L%08d" % n, m, "HN" if k == 0 else "NSVSMT",
                       "2024-01-10", out, out, 55, "2029-01-10",
                       "2026-12-10" if k == 0 else None, 1_000_000,
                       out * 55 // 10000, overdue,
                       "overdue" if overdue else "current")
    db.executemany(
        "INSERT INTO loans (code, member_id, program, disbursed_on,"
        " disbursed_amount, outstanding, monthly_rate_bp, maturity_on,"
        " next_principal_on, next_principal_amount, interest_due,"
        " overdue_amount, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        loan_rows())
    db.executemany("INSERT INTO savings VALUES (?, ?, 0)",
                   ((m, rnd.randrange(0, 50) * 10_000)
                    for m in range(1, members + 1)))

    def collection_rows():
        for m in range(3, members + 1, 3):
            g = 1 + (m - 1) // GROUP_SIZE
            c = 1 + (g - 1) // GROUPS_PER_COMMUNE
            day = 1 + c % 28
            leader = (g - 1) * GROUP_SIZE + 1
            yield ("R%07d" % m, m, leader, g, "2026-11-%02d" % day,
                   275000, 20000 if m % 2 else 0, 0,
                   ("RECORDED", "CONFIRMED", "POSTED")[m % 3 if m % 97
                                                      else 0],
                   "sms", 0, 0)
    db.executemany(
        "INSERT INTO collections (receipt_code, member_id, leader_id,"
        " group_id, session_on, interest, savings, principal, state,"
        " channel, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        collection_rows())
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    print("%s: %d communes, %d groups, %d members, %d loans" %
          (path, ncommunes, ngroups, members, 2 * members))


if __name__ == "__main__":
    main()
