/*
 * Schema migrations: the files sql/NNN_name.sql applied in order, each
 * once, recorded in schema_migrations with a SHA-256 of its text.
 *
 * Running again applies only what is new. A landed migration whose file
 * changed since is refused (migrations are never edited once applied:
 * write a new one). MySQL commits DDL statement by statement, so each
 * migration is written to be re-runnable (IF NOT EXISTS) in case one
 * fails half-way. An advisory lock keeps two runs from overlapping.
 */
#ifndef EC_STORE_MIGRATE_H
#define EC_STORE_MIGRATE_H

struct ec_db;

typedef void (*ec_migrate_report_fn)(const char *line, void *ctx);

/*
 * Apply the pending migrations of dir. Each applied or skipped file is
 * reported through report. Returns 0, or -1 after reporting why.
 */
int ec_migrate(struct ec_db *db, const char *dir, ec_migrate_report_fn report,
               void *ctx);

/* 1 if name looks like a migration file: NNN_lower_case.sql */
int ec_migrate_name_valid(const char *name);

#endif
