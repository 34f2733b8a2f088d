/*
 * ec_db: a worker's one MySQL (MariaDB) connection, opened lazily, with
 * prepared statements only.
 *
 * The connection is opened on first use with connect, read and write
 * timeouts. A lost connection (server gone, timeout) closes it and answers
 * EC_ERR_UNAVAILABLE; the next call tries to connect again, so a worker
 * recovers by itself when the database comes back. Library error text goes
 * to the error log, never to a caller.
 *
 * Statements are cached per connection keyed by the SQL text's address, so
 * callers pass string literals (the same pointer every time).
 */
#ifndef EC_STORE_DB_H
#define EC_STORE_DB_H

#include <stddef.h>

struct ec_db;

struct ec_db_config {
    const char *host;
    unsigned port;
    const char *socket; /* unix socket path; overrides host/port */
    const char *user;
    const char *password;
    const char *database; /* NULL: connect without selecting one */
    unsigned connect_timeout_ms;
    unsigned read_timeout_ms;
};

enum ec_db_type { EC_DB_NULL, EC_DB_STR, EC_DB_INT };

/* A parameter bound to a '?' of a statement. */
struct ec_db_param {
    enum ec_db_type type;
    const char *str;
    size_t len;
    long long num;
};

#define EC_DB_S(s) ((struct ec_db_param){EC_DB_STR, (s), strlen(s), 0})
#define EC_DB_I(n) ((struct ec_db_param){EC_DB_INT, NULL, 0, (n)})

/* One result row: values are NUL-terminated strings, NULL for SQL NULL. */
struct ec_db_row {
    unsigned ncols;
    const char *const *vals;
    const unsigned long *lens;
};

/* Called once per row; return non-zero to stop early (that value is
   returned by ec_db_exec). */
typedef int (*ec_db_row_fn)(const struct ec_db_row *row, void *ctx);

/* A handle that will connect with cfg (strings are copied). */
struct ec_db *ec_db_new(const struct ec_db_config *cfg);
void ec_db_free(struct ec_db *db);

/* Connect now if not connected. 0 or EC_ERR_UNAVAILABLE. */
int ec_db_connect(struct ec_db *db);

/* Round trip to the server: 0 or EC_ERR_UNAVAILABLE. */
int ec_db_ping(struct ec_db *db);

/*
 * Run sql (a string literal with '?' parameter markers) with params. Each row
 * goes to row_fn (may be NULL). *affected (may be NULL) gets the number of
 * changed rows for writes. Returns 0, the callback's non-zero value,
 * EC_ERR_UNAVAILABLE when the server cannot be reached, EC_ERR_CONFLICT on
 * a duplicate key, or EC_ERR_INTERNAL for any other failure (logged).
 */
int ec_db_exec(struct ec_db *db, const char *sql,
               const struct ec_db_param *params, unsigned nparams,
               ec_db_row_fn row_fn, void *ctx, unsigned long long *affected);

/*
 * Run trusted SQL text that may hold several statements (migration files,
 * never user input) without preparing it. 0 or an ec_err.
 */
int ec_db_exec_script(struct ec_db *db, const char *sql, size_t len);

/* BEGIN / COMMIT / ROLLBACK. */
int ec_db_begin(struct ec_db *db);
int ec_db_commit(struct ec_db *db);
int ec_db_rollback(struct ec_db *db);

/*
 * A MySQL SET value ("physical,esim") as bits: bit i is set when names[i]
 * (of n) is a member. Unknown members are ignored; NULL gives 0.
 */
unsigned ec_db_set_bits(const char *set, const char *const *names, unsigned n);

/*
 * The AUTO_INCREMENT value the last statement run on db generated (an
 * INSERT's new row id, on the same connection, so no other client's
 * insert can be read instead), or 0 when it generated none.
 */
unsigned long long ec_db_insert_id(const struct ec_db *db);

/* The last error text from the library, for command-line tools only. */
const char *ec_db_last_error(const struct ec_db *db);

#endif
