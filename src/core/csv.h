/*
 * Writing CSV (RFC 4180) that a spreadsheet opens safely.
 *
 * A cell is quoted when it holds a comma, a double quote, CR or LF (its
 * quotes doubled), and left bare otherwise. A spreadsheet runs a cell
 * that starts with '=', '+', '-' or '@' (and, in some, a tab or CR) as a
 * formula, so such a cell gets a leading apostrophe, which shows it as
 * text ("formula injection": an audit row or a product name typed by one
 * user runs in another's spreadsheet otherwise). Rows end with CRLF.
 */
#ifndef EC_CORE_CSV_H
#define EC_CORE_CSV_H

#include <stddef.h>

struct ec_buf;

/* Append the cell s (len bytes; NULL: an empty cell) to b, quoted and
   defused as above, with no separator. */
void ec_csv_cell(struct ec_buf *b, const char *s, size_t len);

/* Append the n cells (NULL ones empty) as one row, with its CRLF. */
void ec_csv_row(struct ec_buf *b, const char *const *cells, size_t n);

#endif
