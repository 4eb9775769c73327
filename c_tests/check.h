/*
 * check.h: the assertion helpers of the C test suite (C99 and C++17).
 *
 *   CHECK(cond)                    fails when cond is false
 *   CHECK_STATUS(call, expected)   fails when call returns another status
 *   CHECK_ERR(call, expected, s)   CHECK_STATUS for an error, plus: the
 *                                  call set a new, non-empty
 *                                  vs_last_error_message() containing s
 *                                  (s may be NULL: any new message)
 *   CHECK_STR_EQ(a, b), CHECK_CONTAINS(hay, needle)
 *   return check_finish("name");   at the end of main: non-zero on failure
 *
 * A failure prints file:line, the expression, the statuses by name
 * (vs_status_str) and vs_last_error_message(), and is counted; the program
 * goes on, so one run shows every failure. Checks are made from the main
 * thread only (the counters are not atomic).
 */
#ifndef VS_C_TESTS_CHECK_H
#define VS_C_TESTS_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "variance_scaling.h"

static int check_failures_ = 0;
static long check_count_ = 0;
/* the message a check_reset_error_() call leaves behind */
static char check_reset_message_[1024];

static inline void check_fail_(const char *file, int line, const char *what) {
  check_failures_++;
  fprintf(stderr, "%s:%d: CHECK failed: %s\n    (this thread's last error, maybe older: \"%s\")\n",
          file, line, what, vs_last_error_message());
}

static inline void check_(int ok, const char *file, int line, const char *expr) {
  check_count_++;
  if (!ok) check_fail_(file, line, expr);
}

/* Sets this thread's last error to a message that does not contain
 * `needle` (NULL: any), so a later check can tell that the call under test
 * wrote its own message. Two candidate messages, so that every needle is
 * missing from at least one of them. */
static inline void check_reset_error_(const char *needle) {
  vs_initializer *h = NULL;
  (void)vs_from_config_json("{\"class_name\":\"CheckResetMarker\",\"config\":{}}", &h);
  vs_destroy(h);
  if (needle != NULL && strstr(vs_last_error_message(), needle) != NULL) {
    h = NULL;
    (void)vs_create(-1.0, 0, 0, NULL, &h);
    vs_destroy(h);
  }
  strncpy(check_reset_message_, vs_last_error_message(), sizeof check_reset_message_ - 1);
  check_reset_message_[sizeof check_reset_message_ - 1] = '\0';
}

static inline void check_status_(int32_t got, int32_t expected, const char *file, int line,
                                 const char *expr) {
  check_count_++;
  if (got != expected) {
    check_failures_++;
    fprintf(stderr,
            "%s:%d: CHECK_STATUS failed: %s\n    returned %d (%s)\n    expected %d (%s)\n"
            "    last error message: \"%s\"\n",
            file, line, expr, (int)got, vs_status_str(got), (int)expected,
            vs_status_str(expected), vs_last_error_message());
  }
}

static inline void check_err_(int32_t got, int32_t expected, const char *needle,
                              const char *file, int line, const char *expr) {
  const char *msg = vs_last_error_message();
  check_status_(got, expected, file, line, expr);
  check_count_++;
  if (msg == NULL || msg[0] == '\0') {
    check_failures_++;
    fprintf(stderr, "%s:%d: %s\n    set no error message\n", file, line, expr);
  } else if (strcmp(msg, check_reset_message_) == 0) {
    check_failures_++;
    fprintf(stderr, "%s:%d: %s\n    did not set its own error message (still \"%s\")\n", file,
            line, expr, msg);
  } else if (needle != NULL && strstr(msg, needle) == NULL) {
    check_failures_++;
    fprintf(stderr, "%s:%d: %s\n    error message \"%s\" does not contain \"%s\"\n", file, line,
            expr, msg, needle);
  }
  if (needle != NULL && strstr(check_reset_message_, needle) != NULL) {
    check_failures_++;
    fprintf(stderr, "%s:%d: check.h: the reset message \"%s\" contains \"%s\"; "
            "change check_reset_error_()\n", file, line, check_reset_message_, needle);
  }
}

static inline void check_str_eq_(const char *a, const char *b, const char *file, int line,
                                 const char *expr) {
  check_count_++;
  if (a == NULL || b == NULL || strcmp(a, b) != 0) {
    check_failures_++;
    fprintf(stderr, "%s:%d: CHECK_STR_EQ failed: %s\n    \"%s\"\n != \"%s\"\n", file, line, expr,
            a ? a : "(NULL)", b ? b : "(NULL)");
  }
}

static inline void check_contains_(const char *hay, const char *needle, const char *file,
                                   int line, const char *expr) {
  check_count_++;
  if (hay == NULL || needle == NULL || strstr(hay, needle) == NULL) {
    check_failures_++;
    fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s\n    \"%s\" does not contain \"%s\"\n",
            file, line, expr, hay ? hay : "(NULL)", needle ? needle : "(NULL)");
  }
}

#define CHECK(cond) check_((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

#define CHECK_STATUS(call, expected)                                                    \
  check_status_((int32_t)(call), (int32_t)(expected), __FILE__, __LINE__,                 \
                #call " == " #expected)

#define CHECK_ERR(call, expected, needle)                                               \
  do {                                                                                  \
    int32_t check_got_;                                                                 \
    check_reset_error_(needle);                                                         \
    check_got_ = (int32_t)(call);                                                       \
    check_err_(check_got_, (int32_t)(expected), (needle), __FILE__, __LINE__,           \
               #call " == " #expected);                                                 \
  } while (0)

#define CHECK_STR_EQ(a, b) check_str_eq_((a), (b), __FILE__, __LINE__, #a " == " #b)
#define CHECK_CONTAINS(hay, needle)                                                     \
  check_contains_((hay), (needle), __FILE__, __LINE__, #hay " contains " #needle)

/* Prints the summary; the value for main to return. */
static inline int check_finish(const char *name) {
  if (check_failures_ != 0) {
    fprintf(stderr, "%s: %d of %ld checks FAILED\n", name, check_failures_, check_count_);
    return 1;
  }
  if (check_count_ == 0) {
    fprintf(stderr, "%s: no checks ran\n", name);
    return 1;
  }
  printf("%s: all %ld checks passed\n", name, check_count_);
  return 0;
}

#endif /* VS_C_TESTS_CHECK_H */
