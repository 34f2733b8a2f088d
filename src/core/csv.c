#include "core/csv.h"

#include <string.h>

#include "core/buf.h"

/* 1 when a spreadsheet would read a cell starting with c as a formula. */
static int
formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
           c == '\r';
}

void
ec_csv_cell(struct ec_buf *b, const char *s, size_t len)
{
    int defuse, quote;

    if (!s || len == 0)
        return;
    defuse = formula_start(s[0]);
    quote = memchr(s, ',', len) || memchr(s, '"', len) ||
            memchr(s, '\r', len) || memchr(s, '\n', len);
    if (quote)
        ec_buf_addch(b, '"');
    if (defuse)
        ec_buf_addch(b, '\'');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            ec_buf_addch(b, '"');
        ec_buf_addch(b, s[i]);
    }
    if (quote)
        ec_buf_addch(b, '"');
}

void
ec_csv_row(struct ec_buf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ec_buf_addch(b, ',');
        ec_csv_cell(b, cells[i], cells[i] ? strlen(cells[i]) : 0);
    }
    ec_buf_adds(b, "\r\n");
}
