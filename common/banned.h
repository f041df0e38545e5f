/* banned.h - functions with a bounded or safer replacement
 *
 * Included last in every .c file, after all system headers, so a use of a
 * banned function is a compile error (the idea is git's banned.h).
 * Use snprintf, buf_*, strv_* and the text/ parsers instead.
 */
#ifndef DT_BANNED_H
#define DT_BANNED_H

#define DT_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) DT_BANNED(strcpy)
#undef strcat
#define strcat(x, y) DT_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) DT_BANNED(strncpy)
#undef sprintf
#define sprintf(...) DT_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) DT_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) DT_BANNED(strtok)
#undef atoi
#define atoi(x) DT_BANNED(atoi)
#undef atol
#define atol(x) DT_BANNED(atol)
#undef gets
#define gets(x) DT_BANNED(gets)
#undef localtime
#define localtime(t) DT_BANNED(localtime)
#undef gmtime
#define gmtime(t) DT_BANNED(gmtime)

#endif
