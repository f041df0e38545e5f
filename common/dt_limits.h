/* dt_limits.h - every bound on input, with the reason for it
 *
 * Byte sizes include room for the terminating NUL where they size arrays.
 */
#ifndef DT_LIMITS_H
#define DT_LIMITS_H

/* Largest amount of money accepted anywhere, in whole VND: 99,999,999,999
 * (just under 100 billion). A household loan is capped at 100 million VND,
 * so this is 1000 times any real figure, and it keeps every amount at 14
 * characters formatted ("99.999.999.999"), which the one-segment check of
 * the message templates relies on. */
#define DT_MONEY_MAX 99999999999LL

/* E.164: at most 15 digits, plus '+' and NUL. */
#define DT_PHONE_SIZE 17

/* Codes (commune, group, member, loan, receipt): ASCII letters, digits,
 * '-', '_', '.', '/'; bank customer codes are well under 32. */
#define DT_CODE_MAX 32
#define DT_CODE_SIZE (DT_CODE_MAX + 1)

/* Names (people, groups, communes) in characters after NFC. The longest
 * Vietnamese full names run to about 40 characters; 64 leaves room. In
 * UTF-8 one character of Vietnamese is at most 3 bytes after NFC. */
#define DT_NAME_MAX 64
#define DT_NAME_SIZE (DT_NAME_MAX * 4 + 1)

/* Loan programme code (HN, CN, HSSV, NSVSMT, GQVL, ...). */
#define DT_PROGRAM_MAX 12
#define DT_PROGRAM_SIZE (DT_PROGRAM_MAX + 1)

/* One GSM-7 segment. */
#define DT_SMS_MAX 160
/* Inbound SMS text we accept: a concatenated MO of 10 parts in UCS-2 is
 * 670 characters, 2010 bytes of UTF-8; anything longer is not a command. */
#define DT_SMS_IN_MAX 2048

/* One USSD screen, characters (GSM-7). */
#define DT_USSD_SCREEN_MAX 182

/* A CSV line in the imports. */
#define DT_CSV_LINE_MAX 4096

/* Date as YYYY-MM-DD plus NUL. */
#define DT_DATE_SIZE 11

#endif
