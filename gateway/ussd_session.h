/* ussd_session.h - idle timeout of USSD sessions, in memory
 *
 * The aggregator keeps one session id for a whole dial; it does not tell
 * us when a user put the phone down for minutes between hops. A hop that
 * comes more than timeout seconds after the previous one of its session
 * starts again at home: the inputs it carries so far are remembered as a
 * prefix to ignore (ussd_hop.skip) from then on.
 *
 * A session is (session id, phone number): aggregators reuse and recycle
 * ids, and a hop from another phone with the same id is a session of
 * its own. A fixed table (open addressing, 16 probes): a slot whose
 * session is idle past the timeout may be taken by a new session, and
 * the session it held is remembered as gone, so that its next hop starts
 * at home and never resumes (a stale confirmation is never recorded).
 * Live sessions are never pushed out: when every probed slot is live the
 * new session is refused (the caller answers a busy END screen).
 * Thread-safe (one mutex; the work under it is a few string compares).
 */
#ifndef DT_USSD_SESSION_H
#define DT_USSD_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct ussd_sessions;

/* slots is rounded up to a power of two (at least 16). timeout is in
 * seconds; 0 means sessions never time out. Free with
 * ussd_sessions_free(). */
struct ussd_sessions *ussd_sessions_new(unsigned timeout, size_t slots);
void ussd_sessions_free(struct ussd_sessions *s);

/* Records a hop of session (id, phone) carrying ninputs inputs at now,
 * and sets *skip to how many leading inputs the walk must ignore: 0 for a
 * new session, ninputs when this hop comes after the idle timeout (or
 * from a session that timed out and lost its slot), else what the
 * session was already ignoring. -1 when the table has no room for a new
 * session (every probed slot live): refuse it. */
int ussd_sessions_touch(struct ussd_sessions *s, const char *id,
                        const char *phone, size_t ninputs, int64_t now,
                        size_t *skip);

/* Live entries (tests). */
size_t ussd_sessions_count(struct ussd_sessions *s, int64_t now);

#endif
