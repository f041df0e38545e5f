/* ussd_session.h - idle timeout of USSD sessions, in memory
 *
 * The aggregator keeps one session id for a whole dial; it does not tell
 * us when a user put the phone down for minutes between hops. A hop that
 * comes more than timeout seconds after the previous one of its session
 * starts again at home: the inputs it carries so far are remembered as a
 * prefix to ignore (ussd_hop.skip) from then on.
 *
 * A fixed table (open addressing, a few probes): an entry whose session
 * is idle past the timeout is free again, and when every probed slot is
 * live the least recently used one is taken over. A session pushed out
 * this way only loses its timeout bookkeeping (its next hop is treated
 * as new, which walks its whole path: what the user typed still counts).
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

/* Records a hop of session id carrying ninputs inputs at now, and
 * returns how many leading inputs the walk must ignore: 0 for a new
 * session, ninputs when this hop comes after the idle timeout, else what
 * the session was already ignoring. */
size_t ussd_sessions_touch(struct ussd_sessions *s, const char *id,
                           size_t ninputs, int64_t now);

/* Live entries (tests). */
size_t ussd_sessions_count(struct ussd_sessions *s, int64_t now);

#endif
