/* db_fault.h - fault injection for tests: the store fails as on a full
 * disk, without a full disk
 *
 * Production code never calls these. A test turns a fault on, checks how
 * the threads above the store behave (answers, backoff, nothing lost) and
 * turns it off again.
 */
#ifndef DT_DB_FAULT_H
#define DT_DB_FAULT_H

#include <stdbool.h>

/* While on, every db_commit() of every connection in the process fails
 * as SQLite's commit does on a full disk: the transaction (whose
 * statements ran, holding the write lock) is rolled back and the result
 * is GW_EBUSY. Reads and db_begin() work as usual. Thread-safe. */
void db_fault_full(bool on);

#endif
