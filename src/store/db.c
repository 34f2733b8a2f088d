#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xalloc.h"

#define EC_DB_STMT_CACHE 64
#define EC_DB_MAX_PARAMS 32
#define EC_DB_MAX_COLS 64

struct stmt_slot {
    const char *sql;
    MYSQL_STMT *stmt;
};

struct ec_db {
    struct ec_db_config cfg; /* strings owned */
    MYSQL *conn;             /* NULL while disconnected */
    int in_tx;
    unsigned long long insert_id; /* of the last statement run */
    struct stmt_slot stmts[EC_DB_STMT_CACHE];
    unsigned nstmts;
    char last_error[256];
    int connected_before; /* a connection after this one is a reconnect */
};

static char *
dup_or_null(const char *s)
{
    return s ? ec_xstrdup(s) : NULL;
}

struct ec_db *
ec_db_new(const struct ec_db_config *cfg)
{
    struct ec_db *db = ec_xcalloc(1, sizeof(*db));

    db->cfg = *cfg;
    db->cfg.host = dup_or_null(cfg->host);
    db->cfg.socket = dup_or_null(cfg->socket);
    db->cfg.user = dup_or_null(cfg->user);
    db->cfg.password = dup_or_null(cfg->password);
    db->cfg.database = dup_or_null(cfg->database);
    return db;
}

static void
disconnect(struct ec_db *db)
{
    for (unsigned i = 0; i < db->nstmts; i++)
        mysql_stmt_close(db->stmts[i].stmt);
    db->nstmts = 0;
    if (db->conn)
        mysql_close(db->conn);
    db->conn = NULL;
    db->in_tx = 0;
}

void
ec_db_free(struct ec_db *db)
{
    if (!db)
        return;
    disconnect(db);
    free((char *)db->cfg.host);
    free((char *)db->cfg.socket);
    free((char *)db->cfg.user);
    if (db->cfg.password) {
        /* do not leave the password in freed heap memory */
        memset((char *)db->cfg.password, 0, strlen(db->cfg.password));
        free((char *)db->cfg.password);
    }
    free((char *)db->cfg.database);
    free(db);
}

static unsigned
ms_to_s(unsigned ms)
{
    return ms ? (ms + 999) / 1000 : 1;
}

/* Errors that mean the connection is gone, not that the query was bad. */
static int
is_connection_error(unsigned err)
{
    return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
           err == CR_CONNECTION_ERROR || err == CR_CONN_HOST_ERROR ||
           err == CR_SERVER_LOST_EXTENDED || err == CR_COMMANDS_OUT_OF_SYNC ||
           err == ER_CONNECTION_KILLED || err == ER_SERVER_SHUTDOWN;
}

static void
remember_error(struct ec_db *db, const char *what, unsigned err,
               const char *msg)
{
    snprintf(db->last_error, sizeof(db->last_error), "%s: %s (%u)", what, msg,
             err);
}

/* Translate a failure at the store boundary into an ec_err, logging it. */
static int
fail(struct ec_db *db, const char *what, unsigned err, const char *msg)
{
    remember_error(db, what, err, msg);
    if (err != ER_DUP_ENTRY) /* a duplicate is an answer callers expect */
        ec_metric_inc(EC_M_MYSQL_ERRORS);
    if (is_connection_error(err) || !db->conn) {
        ec_log_error("mysql %s: %s (%u): connection closed", what, msg, err);
        disconnect(db);
        return EC_ERR_UNAVAILABLE;
    }
    if (err == ER_DUP_ENTRY)
        return EC_ERR_CONFLICT;
    ec_log_error("mysql %s: %s (%u)", what, msg, err);
    return EC_ERR_INTERNAL;
}

int
ec_db_connect(struct ec_db *db)
{
    unsigned ct, rt;
    MYSQL *m;

    if (db->conn)
        return 0;
    m = mysql_init(NULL);
    if (!m)
        ec_die("mysql_init: out of memory");
    ct = ms_to_s(db->cfg.connect_timeout_ms);
    rt = ms_to_s(db->cfg.read_timeout_ms);
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rt);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(m, db->cfg.socket ? NULL : db->cfg.host,
                            db->cfg.user, db->cfg.password, db->cfg.database,
                            db->cfg.port, db->cfg.socket, CLIENT_FOUND_ROWS)) {
        remember_error(db, "connect", mysql_errno(m), mysql_error(m));
        ec_metric_inc(EC_M_MYSQL_ERRORS);
        ec_log_error("mysql connect to %s:%u failed: %s",
                     db->cfg.socket ? db->cfg.socket : db->cfg.host,
                     db->cfg.port, mysql_error(m));
        mysql_close(m);
        return EC_ERR_UNAVAILABLE;
    }
    /* time zone of stored instants: always UTC, converted at the edges */
    if (mysql_query(m, "SET time_zone = '+00:00'") != 0) {
        remember_error(db, "connect", mysql_errno(m), mysql_error(m));
        mysql_close(m);
        return EC_ERR_UNAVAILABLE;
    }
    db->conn = m;
    if (db->connected_before)
        ec_metric_inc(EC_M_MYSQL_RECONNECTS);
    db->connected_before = 1;
    return 0;
}

int
ec_db_ping(struct ec_db *db)
{
    int rc = ec_db_connect(db);

    if (rc < 0)
        return rc;
    if (mysql_ping(db->conn) != 0)
        return fail(db, "ping", mysql_errno(db->conn), mysql_error(db->conn));
    return 0;
}

static MYSQL_STMT *
stmt_for(struct ec_db *db, const char *sql, int *rc)
{
    MYSQL_STMT *st;
    unsigned i;

    for (i = 0; i < db->nstmts; i++)
        if (db->stmts[i].sql == sql)
            return db->stmts[i].stmt;
    st = mysql_stmt_init(db->conn);
    if (!st)
        ec_die("mysql_stmt_init: out of memory");
    if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
        *rc = fail(db, "prepare", mysql_stmt_errno(st), mysql_stmt_error(st));
        mysql_stmt_close(st);
        return NULL;
    }
    if (db->nstmts == EC_DB_STMT_CACHE) {
        /* full: drop the oldest, which is the least likely to be hot */
        mysql_stmt_close(db->stmts[0].stmt);
        memmove(db->stmts, db->stmts + 1,
                (EC_DB_STMT_CACHE - 1) * sizeof(*db->stmts));
        db->nstmts--;
    }
    db->stmts[db->nstmts].sql = sql;
    db->stmts[db->nstmts].stmt = st;
    db->nstmts++;
    return st;
}

static void
bind_params(MYSQL_BIND *b, const struct ec_db_param *p, unsigned n)
{
    memset(b, 0, n * sizeof(*b));
    for (unsigned i = 0; i < n; i++) {
        switch (p[i].type) {
        case EC_DB_NULL:
            b[i].buffer_type = MYSQL_TYPE_NULL;
            break;
        case EC_DB_STR:
            b[i].buffer_type = MYSQL_TYPE_STRING;
            b[i].buffer = (void *)p[i].str;
            b[i].buffer_length = p[i].len;
            break;
        case EC_DB_INT:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = (void *)&p[i].num;
            break;
        }
    }
}

struct fetch_state {
    MYSQL_BIND bind[EC_DB_MAX_COLS];
    char *vals[EC_DB_MAX_COLS];
    const char *out[EC_DB_MAX_COLS];
    unsigned long lens[EC_DB_MAX_COLS];
    my_bool nulls[EC_DB_MAX_COLS];
    unsigned ncols;
};

static void
fetch_state_release(struct fetch_state *fs)
{
    for (unsigned i = 0; i < fs->ncols; i++)
        free(fs->vals[i]);
}

static int
fetch_rows(struct ec_db *db, MYSQL_STMT *st, MYSQL_RES *meta,
           ec_db_row_fn row_fn, void *ctx)
{
    struct fetch_state fs;
    struct ec_db_row row;
    MYSQL_FIELD *fields;
    unsigned long size;
    int frc, rc = 0;

    memset(&fs, 0, sizeof(fs));
    fs.ncols = mysql_num_fields(meta);
    if (fs.ncols > EC_DB_MAX_COLS)
        EC_BUG("query returns too many columns");
    fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < fs.ncols; i++) {
        size = fields[i].max_length > 64 ? fields[i].max_length : 64;
        fs.vals[i] = ec_xmalloc(size + 1);
        fs.bind[i].buffer_type = MYSQL_TYPE_STRING;
        fs.bind[i].buffer = fs.vals[i];
        fs.bind[i].buffer_length = size + 1;
        fs.bind[i].length = &fs.lens[i];
        fs.bind[i].is_null = &fs.nulls[i];
    }
    if (mysql_stmt_bind_result(st, fs.bind) != 0) {
        rc = fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
        goto out;
    }
    row.ncols = fs.ncols;
    row.vals = fs.out;
    row.lens = fs.lens;
    while ((frc = mysql_stmt_fetch(st)) == 0 || frc == MYSQL_DATA_TRUNCATED) {
        if (frc == MYSQL_DATA_TRUNCATED)
            EC_BUG("column longer than its reported max_length");
        for (unsigned i = 0; i < fs.ncols; i++) {
            fs.vals[i][fs.lens[i]] = '\0';
            fs.out[i] = fs.nulls[i] ? NULL : fs.vals[i];
        }
        if (row_fn && (rc = row_fn(&row, ctx)) != 0)
            break;
    }
    if (frc == 1)
        rc = fail(db, "fetch", mysql_stmt_errno(st), mysql_stmt_error(st));
out:
    fetch_state_release(&fs);
    return rc;
}

static int
exec_once(struct ec_db *db, const char *sql, const struct ec_db_param *params,
          unsigned nparams, ec_db_row_fn row_fn, void *ctx,
          unsigned long long *affected)
{
    MYSQL_BIND bind[EC_DB_MAX_PARAMS];
    MYSQL_STMT *st;
    MYSQL_RES *meta;
    my_bool update_max = 1;
    int rc = 0;

    if (nparams > EC_DB_MAX_PARAMS)
        EC_BUG("too many statement parameters");
    if ((rc = ec_db_connect(db)) < 0)
        return rc;
    st = stmt_for(db, sql, &rc);
    if (!st)
        return rc;
    if (mysql_stmt_param_count(st) != nparams)
        EC_BUG("statement parameter count mismatch");
    ec_metric_inc(EC_M_MYSQL_CALLS);
    bind_params(bind, params, nparams);
    if (nparams && mysql_stmt_bind_param(st, bind) != 0)
        return fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    if (mysql_stmt_execute(st) != 0)
        return fail(db, "execute", mysql_stmt_errno(st), mysql_stmt_error(st));
    db->insert_id = mysql_stmt_insert_id(st);
    if (affected)
        *affected = mysql_stmt_affected_rows(st);
    meta = mysql_stmt_result_metadata(st);
    if (!meta)
        return 0;
    if (mysql_stmt_store_result(st) != 0) {
        mysql_free_result(meta);
        return fail(db, "store", mysql_stmt_errno(st), mysql_stmt_error(st));
    }
    rc = fetch_rows(db, st, meta, row_fn, ctx);
    mysql_free_result(meta);
    if (db->conn)
        mysql_stmt_free_result(st);
    return rc;
}

int
ec_db_exec(struct ec_db *db, const char *sql, const struct ec_db_param *params,
           unsigned nparams, ec_db_row_fn row_fn, void *ctx,
           unsigned long long *affected)
{
    int was_connected = db->conn != NULL, in_tx = db->in_tx;
    int rc = exec_once(db, sql, params, nparams, row_fn, ctx, affected);

    /*
     * A connection that went stale while the worker was idle (server
     * restarted) fails on first use. A read outside a transaction can be
     * retried once on a fresh connection, sparing the customer a 503; a
     * write cannot, since it may have been applied before the link broke.
     */
    if (rc == EC_ERR_UNAVAILABLE && was_connected && !in_tx &&
        strncmp(sql, "SELECT", 6) == 0)
        rc = exec_once(db, sql, params, nparams, row_fn, ctx, affected);
    return rc;
}

int
ec_db_exec_script(struct ec_db *db, const char *sql, size_t len)
{
    int rc, status;
    MYSQL_RES *res;

    if ((rc = ec_db_connect(db)) < 0)
        return rc;
    mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON);
    if (mysql_real_query(db->conn, sql, len) != 0) {
        rc = fail(db, "script", mysql_errno(db->conn), mysql_error(db->conn));
        goto out;
    }
    do {
        res = mysql_store_result(db->conn);
        if (res)
            mysql_free_result(res);
        status = mysql_next_result(db->conn);
        if (status > 0) {
            rc = fail(db, "script", mysql_errno(db->conn),
                      mysql_error(db->conn));
            goto out;
        }
    } while (status == 0);
out:
    if (db->conn)
        mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
    return rc;
}

static int
simple(struct ec_db *db, const char *sql, int tx_after)
{
    int rc;

    if ((rc = ec_db_connect(db)) < 0)
        return rc;
    ec_metric_inc(EC_M_MYSQL_CALLS);
    if (mysql_query(db->conn, sql) != 0)
        return fail(db, sql, mysql_errno(db->conn), mysql_error(db->conn));
    db->in_tx = tx_after;
    return 0;
}

int
ec_db_begin(struct ec_db *db)
{
    return simple(db, "START TRANSACTION", 1);
}

int
ec_db_commit(struct ec_db *db)
{
    return simple(db, "COMMIT", 0);
}

int
ec_db_rollback(struct ec_db *db)
{
    if (!db->conn)
        return 0; /* a lost connection has rolled back already */
    return simple(db, "ROLLBACK", 0);
}

unsigned long long
ec_db_insert_id(const struct ec_db *db)
{
    return db->insert_id;
}

const char *
ec_db_last_error(const struct ec_db *db)
{
    return db->last_error;
}

unsigned
ec_db_set_bits(const char *set, const char *const *names, unsigned n)
{
    unsigned bits = 0;
    size_t len;

    for (const char *p = set; p && *p; p += len + (p[len] == ',')) {
        len = strcspn(p, ",");
        for (unsigned i = 0; i < n; i++)
            if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0)
                bits |= 1u << i;
    }
    return bits;
}
