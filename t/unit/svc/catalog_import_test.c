/* Tests of svc/catalog_import.c: the document's rules, each broken in
   one place, named by its path. */
#include <stdlib.h>

#include <json-c/json.h>

#include "core/err.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "catalog_doc_fixture.h"

struct edit {
    const char *where;
    const char *json; /* NULL: delete */
};

struct bad_case {
    const char *name;
    struct edit edits[2];
    const char *path;
    const char *message; /* a part of the message */
};

#define L41 "abcdefghijabcdefghijabcdefghijabcdefghijk"
#define L65 "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDE"
#define L101                                                                   \
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"                       \
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijk"

static const struct bad_case bad_cases[] = {
    /* the document */
    {"not an object", {{"", "[1, 2]"}}, "$", "must be a JSON object"},
    {"bad format",
     {{"format", "\"ecom-catalog/2\""}},
     "$.format",
     "must be \"ecom-catalog/1\" (got \"ecom-catalog/2\")"},
    {"missing format",
     {{"format", DEL}},
     "$.format",
     "required: \"ecom-catalog/1\""},
    {"unknown top-level field",
     {{"extras", "1"}},
     "$.extras",
     "unknown field; allowed here: format, channels, channel_rules, "
     "products"},
    {"channels not an array",
     {{"channels", "{}"}},
     "$.channels",
     "must be an array of channels (got an object)"},
    {"channel not an object",
     {{"channels[1]", "\"tilbud\""}},
     "$.channels[1]",
     "must be a channel object (got \"tilbud\")"},

    /* channels */
    {"duplicate channel code",
     {{"channels[2].code", "\"web\""}},
     "$.channels[2].code",
     "already used by $.channels[0]"},
    {"bad code chars",
     {{"channels[1].code", "\"Tilbud!\""}},
     "$.channels[1].code",
     "a-z, 0-9, _ or -"},
    {"a channel code the panel's addresses use",
     {{"channels[1].code", "\"rules\""}},
     "$.channels[1].code",
     "\"rules\" is reserved: the admin panel's own addresses use it"},
    {"code starting with -",
     {{"channels[1].code", "\"-tilbud\""}},
     "$.channels[1].code",
     "starting with a letter or digit"},
    {"code of 41 characters",
     {{"channels[1].code", "\"" L41 "\""}},
     "$.channels[1].code",
     "got 41 characters"},
    {"no default channel",
     {{"channels[0].default", DEL}},
     "$.channels",
     "exactly one channel must have \"default\": true"},
    {"two default channels",
     {{"channels[2].default", "true"}},
     "$.channels[2].default",
     "only one channel may be the default, and $.channels[0] already is"},
    {"default not a boolean",
     {{"channels[1].default", "\"yes\""}},
     "$.channels[1].default",
     "must be true or false (got \"yes\")"},
    {"unknown channel kind",
     {{"channels[1].kind", "\"shop\""}},
     "$.channels[1].kind",
     "must be web_front, web_sub, app, outbound or custom"},
    {"channel without a name",
     {{"channels[1].name", DEL}},
     "$.channels[1].name",
     "required: a name of 1 to 100 characters"},
    {"channel name of 101 characters",
     {{"channels[1].name", "\"" L101 "\""}},
     "$.channels[1].name",
     "got 101 characters"},

    /* rules */
    {"rules missing", {{"channel_rules", DEL}}, "$.channel_rules", "required"},
    {"rule naming an unknown channel",
     {{"channel_rules[1].channel", "\"x\""}},
     "$.channel_rules[1].channel",
     "\"x\" is not a channel of this document"},
    {"path_prefix without /",
     {{"channel_rules[2].value", "\"tilbud\""}},
     "$.channel_rules[2].value",
     "must be a path starting with /"},
    {"path_prefix with a param",
     {{"channel_rules[2].param", "\"p\""}},
     "$.channel_rules[2].param",
     "path_prefix rules take no param"},
    {"query rule without param",
     {{"channel_rules[1].param", DEL}},
     "$.channel_rules[1].param",
     "required: the query parameter's name"},
    {"header rule without param",
     {{"channel_rules[0].param", DEL}},
     "$.channel_rules[0].param",
     "required: the header's name"},
    {"header param not lower case",
     {{"channel_rules[0].param", "\"X-Channel\""}},
     "$.channel_rules[0].param",
     "lower case"},
    {"unknown rule kind",
     {{"channel_rules[0].kind", "\"cookie\""}},
     "$.channel_rules[0].kind",
     "path_prefix, query_param or header"},
    {"rule with an empty value",
     {{"channel_rules[0].value", "\"\""}},
     "$.channel_rules[0].value",
     "got 0 characters"},

    /* products */
    {"products not an array",
     {{"products", "{}"}},
     "$.products",
     "must be an array of products"},
    {"product not an object",
     {{"products[1]", "42"}},
     "$.products[1]",
     "must be a product object (got 42)"},
    {"unknown product field",
     {{"products[0].monthly_prise", "1"}},
     "$.products[0].monthly_prise",
     "unknown field"},
    {"duplicate SKU",
     {{"products[1].sku", "\"NL-5G-100\""}},
     "$.products[1].sku",
     "already used by $.products[0]"},
    {"duplicate SKU ignoring case",
     {{"products[1].sku", "\"nl-5g-100\""}},
     "$.products[1].sku",
     "ignoring case"},
    {"a SKU the panel's addresses use, in any case",
     {{"products[1].sku", "\"New\""}},
     "$.products[1].sku",
     "\"New\" is reserved"},
    {"bad SKU chars",
     {{"products[1].sku", "\"NL TALE\""}},
     "$.products[1].sku",
     "A-Z, a-z, 0-9, _ or -"},
    {"SKU of 65 characters",
     {{"products[1].sku", "\"" L65 "\""}},
     "$.products[1].sku",
     "got 65 characters"},
    {"unknown product kind",
     {{"products[1].kind", "\"bundle\""}},
     "$.products[1].kind",
     "must be plan or addon"},
    {"unknown status",
     {{"products[1].status", "\"live\""}},
     "$.products[1].status",
     "must be draft, active or retired"},
    {"empty name",
     {{"products[1].name", "\"\""}},
     "$.products[1].name",
     "1 to 100 characters (got 0 characters)"},
    {"name not UTF-8",
     {{"products[1].name", "\"caf\xc3\x28\""}},
     "$.products[1].name",
     "valid UTF-8"},
    {"negative data",
     {{"products[1].data_gb", "-1"}},
     "$.products[1].data_gb",
     "or null for unlimited (got -1)"},
    {"talk minutes missing",
     {{"products[1].talk_minutes", DEL}},
     "$.products[1].talk_minutes",
     "required"},
    {"unknown network",
     {{"products[1].network", "\"3g\""}},
     "$.products[1].network",
     "must be 4g or 5g (got \"3g\")"},
    {"negative price",
     {{"products[0].monthly_price", "-100"}},
     "$.products[0].monthly_price",
     "must be a whole number of øre, 0 or more (got -100)"},
    {"non-integer price",
     {{"products[0].monthly_price", "1.5"}},
     "$.products[0].monthly_price",
     "(got 1.5)"},
    {"price as a string",
     {{"products[0].monthly_price", "\"19900\""}},
     "$.products[0].monthly_price",
     "(got \"19900\")"},
    {"price missing",
     {{"products[1].monthly_price", DEL}},
     "$.products[1].monthly_price",
     "required"},
    {"negative fee",
     {{"products[0].fees.startup", "-1"}},
     "$.products[0].fees.startup",
     "0 or more"},
    {"unknown fee",
     {{"products[0].fees.activation", "0"}},
     "$.products[0].fees.activation",
     "allowed here: startup, sim"},
    {"fees not an object",
     {{"products[0].fees", "[9900]"}},
     "$.products[0].fees",
     "must be an object"},
    {"binding of 8 months",
     {{"products[0].binding_months[1]", "8"}},
     "$.products[0].binding_months[1]",
     "a whole number of months from 0 to 6 (got 8)"},
    {"duplicate binding",
     {{"products[0].binding_months[1]", "0"}},
     "$.products[0].binding_months[1]",
     "0 is listed twice"},
    {"empty binding list",
     {{"products[0].binding_months", "[]"}},
     "$.products[0].binding_months",
     "at least one binding period"},
    {"binding not a list",
     {{"products[0].binding_months", "6"}},
     "$.products[0].binding_months",
     "must be a list of binding periods"},
    {"unknown SIM type",
     {{"products[0].sim_types[1]", "\"nano\""}},
     "$.products[0].sim_types[1]",
     "must be physical or esim (got \"nano\")"},
    {"duplicate SIM type",
     {{"products[0].sim_types[1]", "\"physical\""}},
     "$.products[0].sim_types[1]",
     "listed twice"},
    {"empty SIM type list",
     {{"products[0].sim_types", "[]"}},
     "$.products[0].sim_types",
     "at least one SIM type"},

    /* channel entries */
    {"channels not an object",
     {{"products[0].channels", "[]"}},
     "$.products[0].channels",
     "must be an object of channel entries"},
    {"entry for an unknown channel",
     {{"products[1].channels.shop", "{\"visible\": true}"}},
     "$.products[1].channels.shop",
     "\"shop\" is not a channel"},
    {"entry for a key a dot cannot carry",
     {{"products[1].channels.a b", "{\"visible\": true}"}},
     "$.products[1].channels['a b']",
     "is not a channel"},
    {"entry widening SIM types",
     {{"products[1].channels.tilbud.sim_types", "[\"esim\"]"}},
     "$.products[1].channels.tilbud.sim_types[0]",
     "\"esim\" is not offered by the product, which offers physical"},
    {"entry widening binding",
     {{"products[1].channels.tilbud.binding_months", "[0, 6]"}},
     "$.products[1].channels.tilbud.binding_months[1]",
     "6 is not offered by the product, which offers 0"},
    {"entry without visible",
     {{"products[0].channels.web.visible", DEL}},
     "$.products[0].channels.web.visible",
     "required: true or false"},
    {"entry sort not a number",
     {{"products[0].channels.web.sort", "\"1\""}},
     "$.products[0].channels.web.sort",
     "must be a whole number"},
    {"entry not an object",
     {{"products[0].channels.web", "true"}},
     "$.products[0].channels.web",
     "must be a channel entry object"},
    {"unknown entry field",
     {{"products[0].channels.web.hidden", "true"}},
     "$.products[0].channels.web.hidden",
     "unknown field"},

    /* add-ons */
    {"addons on an add-on",
     {{"products[2].addons", "[{\"sku\": \"NL-EU-EKSTRA\"}]"}},
     "$.products[2].addons",
     "only plans have add-ons"},
    {"addon naming a plan",
     {{"products[0].addons[0].sku", "\"NL-TALE\""}},
     "$.products[0].addons[0].sku",
     "\"NL-TALE\" is a plan, not an add-on"},
    {"addon naming an unknown SKU",
     {{"products[0].addons[0].sku", "\"NL-NOPE\""}},
     "$.products[0].addons[0].sku",
     "\"NL-NOPE\" is not a product of this document"},
    {"addon listed twice",
     {{"products[0].addons[1].sku", "\"NL-DATADELING\""}},
     "$.products[0].addons[1].sku",
     "listed twice"},
    {"addon channels naming an unknown channel",
     {{"products[0].addons[1].channels[0]", "\"shop\""}},
     "$.products[0].addons[1].channels[0]",
     "\"shop\" is not a channel"},
    {"addon channels empty",
     {{"products[0].addons[1].channels", "[]"}},
     "$.products[0].addons[1].channels",
     "at least one channel"},
    {"addon channel twice",
     {{"products[0].addons[1].channels[1]", "\"app\""}},
     "$.products[0].addons[1].channels[1]",
     "listed twice"},
    {"addons not an array",
     {{"products[0].addons", "{}"}},
     "$.products[0].addons",
     "must be an array"},
    {"addon not an object",
     {{"products[0].addons[0]", "\"NL-DATADELING\""}},
     "$.products[0].addons[0]",
     "must be an object naming an add-on"},

    /* a channel's own base price */
    {"channel price of -1",
     {{"products[0].channels.app.monthly_price", "-1"}},
     "$.products[0].channels.app.monthly_price",
     "must be a whole number of øre, 0 or more (got -1)"},
    {"channel price of 1.5",
     {{"products[0].channels.app.monthly_price", "1.5"}},
     "$.products[0].channels.app.monthly_price",
     "must be a whole number of øre, 0 or more (got 1.5)"},
    {"channel price of null",
     {{"products[0].channels.web.monthly_price", "null"}},
     "$.products[0].channels.web.monthly_price",
     "(got null)"},

    /* campaigns */
    {"campaigns not an array",
     {{"campaigns", "{}"}},
     "$.campaigns",
     "must be an array of campaigns"},
    {"campaign not an object",
     {{"campaigns[1]", "\"app-99\""}},
     "$.campaigns[1]",
     "must be a campaign object (got \"app-99\")"},
    {"unknown campaign field",
     {{"campaigns[1].discount", "10"}},
     "$.campaigns[1].discount",
     "unknown field; allowed here: code, name, valid_from, valid_to, "
     "products, channels, priority, stacking, required_binding, actions"},
    {"a campaign code the panel's addresses use",
     {{"campaigns[1].code", "\"new\""}},
     "$.campaigns[1].code",
     "\"new\" is reserved"},
    {"campaign without a code",
     {{"campaigns[1].code", DEL}},
     "$.campaigns[1].code",
     "required: a campaign code"},
    {"campaign code in capitals",
     {{"campaigns[1].code", "\"App-99\""}},
     "$.campaigns[1].code",
     "a-z, 0-9, _ or -"},
    {"campaign code of 65 characters",
     {{"campaigns[1].code", "\"" L41 "abcdefghijabcdefghijabcd\""}},
     "$.campaigns[1].code",
     "got 65 characters"},
    {"duplicate campaign code",
     {{"campaigns[1].code", "\"gratis-start\""}},
     "$.campaigns[1].code",
     "campaign code \"gratis-start\" is already used by $.campaigns[0]"},
    {"campaign without a name",
     {{"campaigns[1].name", DEL}},
     "$.campaigns[1].name",
     "required: a name of 1 to 120 characters"},
    {"campaign name of 121 characters",
     {{"campaigns[1].name", "\"" L101 "abcdefghijabcdefghij\""}},
     "$.campaigns[1].name",
     "got 121 characters"},
    {"valid_from missing",
     {{"campaigns[1].valid_from", DEL}},
     "$.campaigns[1].valid_from",
     "required: a time"},
    {"valid_from not a time",
     {{"campaigns[1].valid_from", "\"next week\""}},
     "$.campaigns[1].valid_from",
     "must be a time: RFC 3339 with an offset (2026-11-01T00:00:00+01:00) "
     "or a local time in Europe/Copenhagen (2026-11-01T00:00)"},
    {"valid_from a number",
     {{"campaigns[1].valid_from", "1793487600"}},
     "$.campaigns[1].valid_from",
     "(got 1793487600)"},
    {"valid_from an impossible date",
     {{"campaigns[1].valid_from", "\"2026-02-30T00:00\""}},
     "$.campaigns[1].valid_from",
     "must be a time: RFC 3339"},
    {"valid_from with an impossible offset",
     {{"campaigns[1].valid_from", "\"2026-11-01T00:00:00+24:00\""}},
     "$.campaigns[1].valid_from",
     "must be a time: RFC 3339"},
    {"a local time the clocks skip",
     {{"campaigns[1].valid_from", "\"2026-03-29T02:30\""}},
     "$.campaigns[1].valid_from",
     "2026-03-29T02:30 does not exist in Europe/Copenhagen (the clocks go "
     "forward); give a time that does, such as 2026-03-29T03:30:00+02:00"},
    {"a local time the clocks show twice",
     {{"campaigns[1].valid_to", "\"2026-10-25T02:30:00\""}},
     "$.campaigns[1].valid_to",
     "2026-10-25T02:30:00 happens twice in Europe/Copenhagen (the clocks go "
     "back); give the offset: 2026-10-25T02:30:00+02:00 or "
     "2026-10-25T02:30:00+01:00"},
    {"a time the database cannot hold",
     {{"campaigns[1].valid_to", "\"2040-01-01T00:00:00Z\""}},
     "$.campaigns[1].valid_to",
     "must be a time from 1970-01-01T00:00:00+00:00 to "
     "2038-01-19T03:14:07+00:00"},
    {"campaign ending before it starts",
     {{"campaigns[1].valid_to", "\"2026-10-01T00:00\""}},
     "$.campaigns[1].valid_to",
     "The campaign must end after it starts."},
    {"campaign ending as it starts",
     {{"campaigns[1].valid_to", "\"2026-10-31T23:00:00Z\""}},
     "$.campaigns[1].valid_to",
     "The campaign must end after it starts."},
    {"campaign without products",
     {{"campaigns[1].products", DEL}},
     "$.campaigns[1].products",
     "required: an array of the SKUs"},
    {"campaign with no products",
     {{"campaigns[1].products", "[]"}},
     "$.campaigns[1].products",
     "must list at least one product"},
    {"campaign naming an unknown SKU",
     {{"campaigns[0].products[1]", "\"NL-NOPE\""}},
     "$.campaigns[0].products[1]",
     "\"NL-NOPE\" is not a product of this document"},
    {"campaign naming a SKU in the wrong case",
     {{"campaigns[0].products[0]", "\"nl-tale\""}},
     "$.campaigns[0].products[0]",
     "\"nl-tale\" is not a product"},
    {"campaign naming a product twice",
     {{"campaigns[0].products[1]", "\"NL-TALE\""}},
     "$.campaigns[0].products[1]",
     "product \"NL-TALE\" is listed twice"},
    {"campaign product not a string",
     {{"campaigns[0].products[0]", "5"}},
     "$.campaigns[0].products[0]",
     "must be the SKU of a product of this document (got 5)"},
    {"campaign with an empty channel list",
     {{"campaigns[1].channels", "[]"}},
     "$.campaigns[1].channels",
     "must list at least one channel; leave channels out for a campaign "
     "in every channel"},
    {"campaign naming an unknown channel",
     {{"campaigns[1].channels[0]", "\"shop\""}},
     "$.campaigns[1].channels[0]",
     "\"shop\" is not a channel"},
    {"campaign naming a channel twice",
     {{"campaigns[1].channels[1]", "\"app\""}},
     "$.campaigns[1].channels[1]",
     "channel \"app\" is listed twice"},
    {"campaign channels not an array",
     {{"campaigns[1].channels", "\"app\""}},
     "$.campaigns[1].channels",
     "must be an array of channel codes"},
    {"priority not whole",
     {{"campaigns[1].priority", "1.5"}},
     "$.campaigns[1].priority",
     "must be a whole number (higher wins)"},
    {"unknown stacking",
     {{"campaigns[1].stacking", "\"both\""}},
     "$.campaigns[1].stacking",
     "must be exclusive or stackable (got \"both\")"},
    {"negative required binding",
     {{"campaigns[1].required_binding", "-1"}},
     "$.campaigns[1].required_binding",
     "must be a whole number of months from 0 to 6 (got -1)"},
    {"required binding as text",
     {{"campaigns[1].required_binding", "\"6\""}},
     "$.campaigns[1].required_binding",
     "(got \"6\")"},
    {"campaign without actions",
     {{"campaigns[1].actions", DEL}},
     "$.campaigns[1].actions",
     "required: an array of 1 to 8 price actions"},
    {"campaign with no actions",
     {{"campaigns[1].actions", "[]"}},
     "$.campaigns[1].actions",
     "must list 1 to 8 price actions (got 0)"},
    {"campaign with 9 actions",
     {{"campaigns[1].actions",
       "[{\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]},"
       " {\"kind\": \"waive_fee\", \"fees\": [\"sim\"]}]"}},
     "$.campaigns[1].actions",
     "must list 1 to 8 price actions (got 9)"},
    {"action not an object",
     {{"campaigns[1].actions[0]", "\"free\""}},
     "$.campaigns[1].actions[0]",
     "must be a price action object"},
    {"action without a kind",
     {{"campaigns[1].actions[0].kind", DEL}},
     "$.campaigns[1].actions[0].kind",
     "required: fixed_price, amount_off, percent_off, waive_fee or "
     "reduce_fee"},
    {"unknown action kind",
     {{"campaigns[1].actions[0].kind", "\"free\""}},
     "$.campaigns[1].actions[0].kind",
     "must be fixed_price, amount_off, percent_off, waive_fee or reduce_fee "
     "(got \"free\")"},
    {"a field of another kind of action",
     {{"campaigns[1].actions[0].percent_bp", "1000"}},
     "$.campaigns[1].actions[0].percent_bp",
     "unknown field; allowed here: kind, amount, first_month, months"},
    {"months on a fee action",
     {{"campaigns[0].actions[0].months", "3"}},
     "$.campaigns[0].actions[0].months",
     "unknown field; allowed here: kind, fees"},
    {"fixed price without an amount",
     {{"campaigns[1].actions[0].amount", DEL}},
     "$.campaigns[1].actions[0].amount",
     "required: a whole number of øre, 0 or more"},
    {"negative amount",
     {{"campaigns[0].actions[3].amount", "-100"}},
     "$.campaigns[0].actions[3].amount",
     "must be a whole number of øre, 0 or more (got -100)"},
    {"amount in kroner",
     {{"campaigns[1].actions[0].amount", "99.5"}},
     "$.campaigns[1].actions[0].amount",
     "(got 99.5)"},
    {"percent above 100 %",
     {{"campaigns[0].actions[1].percent_bp", "10001"}},
     "$.campaigns[0].actions[1].percent_bp",
     "must be a whole number of basis points from 0 to 10000 (1000 = 10 %) "
     "(got 10001)"},
    {"percent without percent_bp",
     {{"campaigns[0].actions[1].percent_bp", DEL}},
     "$.campaigns[0].actions[1].percent_bp",
     "required: a whole number of "
     "basis points"},
    {"first month 0",
     {{"campaigns[0].actions[1].first_month", "0"}},
     "$.campaigns[0].actions[1].first_month",
     "must be a month number, 1 or "
     "more"},
    {"negative months",
     {{"campaigns[0].actions[3].months", "-1"}},
     "$.campaigns[0].actions[3].months",
     "must be a number of months, 0 or more (0 = to the end of the binding "
     "period) (got -1)"},
    {"fee action without fees",
     {{"campaigns[0].actions[0].fees", DEL}},
     "$.campaigns[0].actions[0].fees",
     "required: a list of fees"},
    {"fee action with no fees",
     {{"campaigns[0].actions[2].fees", "[]"}},
     "$.campaigns[0].actions[2].fees",
     "must list at least one fee"},
    {"unknown fee",
     {{"campaigns[0].actions[0].fees[0]", "\"activation\""}},
     "$.campaigns[0].actions[0].fees[0]",
     "must be startup or sim (got \"activation\")"},
    {"fee listed twice",
     {{"campaigns[0].actions[2].fees[1]", "\"sim\""}},
     "$.campaigns[0].actions[2].fees[1]",
     "\"sim\" is listed twice"},

    /* the legal guard: the engine's reasons at the document's fields */
    {"required binding of 12 months",
     {{"campaigns[1].required_binding", "12"}},
     "$.campaigns[1].required_binding",
     "The campaign requires 12 months' binding; a consumer may be bound for "
     "at most 6 months."},
    {"required binding of 7 months",
     {{"campaigns[1].required_binding", "7"}},
     "$.campaigns[1].required_binding",
     "The campaign requires 7 months' binding"},
    {"a price from month 7",
     {{"campaigns[1].actions[0].first_month", "7"}},
     "$.campaigns[1].actions[0].first_month",
     "Price action 1 starts in month 7: a benefit that needs the customer to "
     "stay past month 6 binds them for longer than the law allows."},
    {"a discount from month 10",
     {{"campaigns[0].actions[1].first_month", "10"}},
     "$.campaigns[0].actions[1].first_month",
     "Price action 2 starts in month 10"},
    {"a price from month 6 is fine, but not past month 36",
     {{"campaigns[1].actions[0].first_month", "6"},
      {"campaigns[1].actions[0].months", "32"}},
     "$.campaigns[1].actions[0].months",
     "A price action may last until month 36 at most."},
    {"format errors of a campaign come before its legal ones",
     {{"campaigns[1].required_binding", "12"},
      {"campaigns[1].actions[0].kind", "\"free\""}},
     "$.campaigns[1].actions[0].kind",
     "must be fixed_price"},
    {"a campaign's legal error comes before the next one's format errors",
     {{"campaigns[0].required_binding", "12"},
      {"campaigns[1].code", "\"APP\""}},
     "$.campaigns[0].required_binding",
     "requires 12 months' binding"},

    /* the first broken field in document order is the one named */
    {"first error wins",
     {{"products[1].monthly_price", "-1"}, {"products[0].network", "\"3g\""}},
     "$.products[0].network",
     "4g or 5g"},
    {"channels before products",
     {{"products[0].sku", "\"bad sku\""}, {"channels[1].kind", "null"}},
     "$.channels[1].kind",
     "(got null)"},
};

static void
test_valid_document(void)
{
    struct json_object *j = parse_json(base);
    struct ec_check_error err;
    struct ec_catalog_doc doc;
    const struct ec_product *p;
    const struct ec_promotion_campaign *c;

    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, cph(), &err), 0);
    CU_ASSERT_EQUAL(doc.nchannels, 3);
    CU_ASSERT_EQUAL(doc.nrules, 3);
    CU_ASSERT_EQUAL(doc.nproducts, 4);
    CU_ASSERT(doc.channels[0].is_default && !doc.channels[1].is_default);
    CU_ASSERT_PTR_NULL(doc.rules[2].param);
    EC_ASSERT_STR(doc.rules[0].param, "x-channel");

    p = &doc.products[0];
    EC_ASSERT_STR(p->sku, "NL-5G-100");
    CU_ASSERT_EQUAL(p->data_gb, 100);
    CU_ASSERT_EQUAL(p->talk_minutes, EC_UNLIMITED);
    CU_ASSERT_EQUAL(p->binding_months, (1u << 0) | (1u << 6));
    CU_ASSERT_EQUAL(p->sim_types, EC_SIM_PHYSICAL | EC_SIM_ESIM);
    CU_ASSERT_EQUAL(p->fees.startup, 9900);
    CU_ASSERT_EQUAL(p->nplacements, 2);
    EC_ASSERT_STR(p->placements[1].channel, "app");
    CU_ASSERT_EQUAL(p->placements[1].sim_types, EC_SIM_ESIM);
    CU_ASSERT_EQUAL(p->placements[1].binding_months, 0);
    CU_ASSERT_PTR_NULL(p->placements[1].name);
    CU_ASSERT_EQUAL(p->placements[1].monthly_price, 17900);
    CU_ASSERT_EQUAL(p->placements[0].monthly_price, EC_NO_PRICE);
    CU_ASSERT_EQUAL(p->naddons, 2);
    CU_ASSERT_EQUAL(p->addons[0].nchannels, 0);
    CU_ASSERT_EQUAL(p->addons[1].nchannels, 1);

    /* optional fields take the schema's defaults */
    p = &doc.products[1];
    EC_ASSERT_STR(p->description, "");
    CU_ASSERT_EQUAL(p->eu_data_gb, 0);
    CU_ASSERT_EQUAL(p->fees.startup, 0);
    CU_ASSERT_EQUAL(p->fees.sim, 0);
    CU_ASSERT_EQUAL(p->naddons, 0);
    CU_ASSERT_EQUAL(p->placements[0].visible, 0);
    CU_ASSERT_EQUAL(p->placements[0].sort, 0);
    CU_ASSERT_EQUAL(doc.products[3].placements[0].sort, -5);

    /* campaigns, in document order; local times read in Copenhagen */
    CU_ASSERT_EQUAL_FATAL(doc.ncampaigns, 2);
    c = &doc.campaigns[1];
    EC_ASSERT_STR(c->code, "app-99");
    CU_ASSERT_EQUAL(c->valid_from, 1793487600); /* 2026-10-31T23:00Z */
    CU_ASSERT_EQUAL(c->valid_to, 1801436400);   /* 2027-01-31T23:00Z */
    CU_ASSERT_EQUAL(c->n_skus, 1);
    CU_ASSERT_EQUAL(c->n_channels, 1);
    EC_ASSERT_STR(c->channels[0], "app");
    CU_ASSERT_EQUAL(c->priority, 10);
    CU_ASSERT_EQUAL(c->required_binding, 6);
    CU_ASSERT_EQUAL(c->n_actions, 1);
    CU_ASSERT_EQUAL(c->actions[0].kind, EC_PROMOTION_FIXED_PRICE);
    CU_ASSERT_EQUAL(c->actions[0].value, 9900);
    CU_ASSERT_EQUAL(c->actions[0].first_month, 1);
    CU_ASSERT_EQUAL(c->actions[0].months, 6);

    /* a campaign's defaults: every channel, priority 0, no binding */
    c = &doc.campaigns[0];
    CU_ASSERT_EQUAL(c->valid_from, 1793487600);
    CU_ASSERT_EQUAL(c->valid_to, 1811800800); /* 2027-05-31T22:00Z */
    CU_ASSERT_EQUAL(c->n_channels, 0);
    CU_ASSERT_PTR_NULL(c->channels);
    CU_ASSERT_EQUAL(c->priority, 0);
    CU_ASSERT_EQUAL(c->stacking, EC_PROMOTION_STACKABLE);
    CU_ASSERT_EQUAL(c->required_binding, 0);
    CU_ASSERT_EQUAL(c->n_actions, 4);
    CU_ASSERT_EQUAL(c->actions[0].fees, EC_FEE_STARTUP);
    CU_ASSERT_EQUAL(c->actions[0].value, 0);
    CU_ASSERT_EQUAL(c->actions[1].value, 1000); /* basis points */
    CU_ASSERT_EQUAL(c->actions[1].first_month, 2);
    CU_ASSERT_EQUAL(c->actions[1].months, 3);
    CU_ASSERT_EQUAL(c->actions[2].fees, EC_FEE_STARTUP | EC_FEE_SIM);
    CU_ASSERT_EQUAL(c->actions[3].first_month, 1);
    CU_ASSERT_EQUAL(c->actions[3].months, 0);

    /* the structures outlive the JSON they came from */
    json_object_put(j);
    EC_ASSERT_STR(doc.products[0].addons[1].channels[0], "app");
    EC_ASSERT_STR(doc.campaigns[0].skus[0], "NL-TALE");
    ec_catalog_doc_release(&doc);
}

static void
test_empty_catalog_is_valid(void)
{
    struct json_object *j = parse_json(
        "{\"format\": \"ecom-catalog/1\", \"channel_rules\": [],"
        " \"products\": [], \"channels\": [{\"code\": \"web\","
        " \"name\": \"Web\", \"kind\": \"web_front\", \"default\": true}]}");
    struct ec_check_error err;

    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, cph(), &err), 0);
    json_object_put(j);
}

static void
test_each_broken_rule(void)
{
    size_t n = sizeof(bad_cases) / sizeof(*bad_cases);

    for (size_t i = 0; i < n; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct json_object *j = parse_json(base);
        struct ec_check_error err;
        int rc;

        for (size_t k = 0; k < 2 && c->edits[k].where; k++)
            j = edit(j, c->edits[k].where, c->edits[k].json);
        rc = ec_catalog_doc_validate(j, cph(), &err);
        if (rc != EC_ERR_INVALID_FIELD || strcmp(err.path, c->path) != 0 ||
            !strstr(err.message, c->message))
            fprintf(stderr, "\n    case \"%s\": rc %d, got %s: %s\n", c->name,
                    rc, err.path, err.message);
        CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
        CU_ASSERT_STRING_EQUAL(err.path, c->path);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, c->message));
        json_object_put(j);
    }
}

static void
test_long_paths_are_cut_not_overflowed(void)
{
    struct json_object *j = parse_json(base);
    struct ec_check_error err;
    char key[1001];

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    key[500] = '\''; /* quoted in the bracket form */
    json_object_object_add(
        json_object_object_get(
            json_object_array_get_idx(json_object_object_get(j, "products"), 1),
            "channels"),
        key, json_object_new_object());
    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, cph(), &err),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(strlen(err.path), sizeof(err.path) - 1);
    CU_ASSERT_NSTRING_EQUAL(err.path, "$.products[1].channels['kkk", 27);
    CU_ASSERT(strlen(err.message) < sizeof(err.message));
    json_object_put(j);
}

static void
test_local_times_need_a_zone(void)
{
    struct json_object *j = parse_json(base);
    struct ec_check_error err;

    /* campaigns[0] has an offset on valid_from, none on valid_to */
    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, NULL, &err),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.campaigns[0].valid_to");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "time zone is unknown"));

    j = edit(j, "campaigns[0].valid_to", "\"2027-06-01T00:00:00+02:00\"");
    j = edit(j, "campaigns[1].valid_from", "\"2026-11-01T00:00:00+01:00\"");
    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, NULL, &err), 0);
    json_object_put(j);
}

static void
test_at_most_128_campaigns(void)
{
    struct json_object *j = parse_json(base), *list, *one;
    struct ec_check_error err;

    list = json_object_object_get(j, "campaigns");
    one = json_object_array_get_idx(list, 0);
    while (json_object_array_length(list) < EC_CATALOG_DOC_MAX_CAMPAIGNS + 1)
        json_object_array_add(list, json_object_get(one));
    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, cph(), &err),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.campaigns");
    EC_ASSERT_STR(err.message, "may hold at most 128 campaigns (got 129)");
    json_object_put(j);
}

static const struct ec_test tests[] = {
    {"a valid document parses", test_valid_document},
    {"an empty catalog is valid", test_empty_catalog_is_valid},
    {"each broken rule names its path", test_each_broken_rule},
    {"long paths are cut, not overflowed",
     test_long_paths_are_cut_not_overflowed},
    {"local times need a zone", test_local_times_need_a_zone},
    {"at most 128 campaigns", test_at_most_128_campaigns},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/catalog_import", tests)
