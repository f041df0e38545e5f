/* remind_fixture.h - two communes for reminder, campaign and KPI tests
 *
 * Commune C1 "Xa An Binh" (session day 17, officer +84912999999):
 *   G1 "To 1 An Binh": leader L1 Tran Thi Lan (no loans) and
 *     M1 Nguyen Thi Hoa   HN 30,000,000, interest 275,000, campaigns
 *     M2 Le Thi Mai       HN 20,000,000 interest 150,000; CN 5,000,000
 *                         overdue 500,000 since 2026-09-30; disputed
 *                         receipt at 2026-11-17
 *     M3 Pham Thi Cuc     10,000,000, interest 100,000, HUY NHAC
 *                         (reminders 0), campaigns 1; voided receipt
 *     M4 Vo Thi Nga       12,000,000, interest 120,000, campaigns; paid
 *                         (RECORDED 120,000 + savings 20,000) for 11-17
 *     M5 Do Thi Ha        no loan, savings 50,000
 *     M1 also has a closed loan (7,000,000, overdue 100,000: ignored)
 *     and a POSTED receipt of 270,000 at 2026-10-17.
 *   G2 "To 2 An Binh": no leader
 *     M6 Bui Thi Thu      9,000,000, interest 90,000; CONFIRMED 90,000 +
 *                         savings 30,000 at 2026-11-17
 *     M8 Dang Thi Yen     6,000,000, interest 60,000; unpaid
 * Commune C2 "Xa Tan Phu" (session day 5, officer +84912888888):
 *   G3 "To 1 Tan Phu": leader L3 Ngo Thi Binh, and
 *     M7 Ho Thi Lien      8,000,000, interest 80,000, overdue 40,000;
 *                         UNPOSTED 80,000 + 10,000 and POSTED savings
 *                         15,000 at 2026-11-05
 */
#ifndef DT_REMIND_FIXTURE_H
#define DT_REMIND_FIXTURE_H

#include "common/err.h"
#include "db/db.h"

#define RFX_L1 "+84912000100"
#define RFX_M1 "+84912000101"
#define RFX_M2 "+84912000102"
#define RFX_M3 "+84912000103"
#define RFX_M4 "+84912000104"
#define RFX_M5 "+84912000105"
#define RFX_M6 "+84912000106"
#define RFX_M7 "+84912000107"
#define RFX_M8 "+84912000108"
#define RFX_L3 "+84912000300"

/* Fills db (opened, migrated, no transaction open) with the fixture. */
gw_err remind_fixture_load(struct db *db);

#endif
