/*
** test_jsondoc.c -- the strict JSON validator: every leniency of cJSON
** 1.7.15 listed in input-hardening.md s1.2 and the JSON cases of s4.1 must
** be refused with the right message and position; valid texts must come
** through with positions on every node.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "jsondoc.h"

/* Parse len bytes of s from a private copy with the NUL the contract
** demands right after them (so ASan sees any over-read).  Returns 1 if
** the text was accepted; the document is not kept. */
static int
parse_n(const char *s, size_t len, int line_base, ts_error *err)
{
    char *copy = xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    ts_error_clear(err);
    json_doc *d = json_doc_parse(copy, len, line_base, err);
    json_doc_free(d);
    free(copy);
    return d != NULL;
}

/* Expect a rejection with exactly this message at line:column. */
static void
reject_n(const char *s, size_t len, const char *msg, int line, int column)
{
    ts_error err;
    if (parse_n(s, len, 0, &err))
        fail_msg("accepted: %s", s);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
}

static void
reject(const char *s, const char *msg, int line, int column)
{
    reject_n(s, strlen(s), msg, line, column);
}

/* The doc and its text, freed together. */
typedef struct held {
    json_doc *doc;
    char *text;
} held;

static held
accept(const char *s)
{
    ts_error err;
    held h;
    size_t len = strlen(s);
    h.text = xmalloc(len + 1);
    memcpy(h.text, s, len + 1);
    ts_error_clear(&err);
    h.doc = json_doc_parse(h.text, len, 0, &err);
    if (!h.doc)
        fail_msg("rejected '%s': %d:%d: %s", s, err.line, err.column, err.msg);
    return h;
}

static void
release(held h)
{
    json_doc_free(h.doc);
    free(h.text);
}

static void
assert_pos(const held *h, const cJSON *node, int line, int column)
{
    int l, c;
    assert_non_null(node);
    json_doc_position(h->doc, node, &l, &c);
    assert_int_equal(l, line);
    assert_int_equal(c, column);
}

/* ------------------------------------------------------------- the tests */

static void
test_empty(void **state)
{
    (void)state;
    reject("", "empty record", 1, 1);
    reject("   ", "empty record", 1, 4);
    reject(" \n\t\r\n ", "empty record", 3, 2);
    reject("\xEF\xBB\xBF", "empty record", 1, 1);
}

static void
test_top_level_non_objects_accepted(void **state)
{
    (void)state;
    held h = accept("[1, 2]");
    assert_true(cJSON_IsArray(json_doc_root(h.doc)));
    release(h);
    h = accept("42");
    assert_true(cJSON_IsNumber(json_doc_root(h.doc)));
    assert_true(json_doc_root(h.doc)->valuedouble == 42);
    release(h);
    h = accept(" null ");
    assert_true(cJSON_IsNull(json_doc_root(h.doc)));
    release(h);
}

static void
test_trailing_garbage(void **state)
{
    (void)state;
    reject("{\"a\":1} xyz", "expected end of input after the JSON value, found 'x'", 1, 9);
    reject("{\"a\":1}{\"b\":2}", "expected end of input after the JSON value, found '{'", 1, 8);
    reject("[1]]", "expected end of input after the JSON value, found ']'", 1, 4);
    held h = accept("{\"a\":1} \n\n");
    release(h);
}

static void
test_duplicate_keys(void **state)
{
    (void)state;
    reject("{\n  \"id\": \"a\",\n  \"id\": \"b\"\n}",
           "duplicate key 'id' (first at 2:3)", 3, 3);
    /* Compared after unescaping. */
    reject("{\"a\":1,\"\\u0061\":2}", "duplicate key 'a' (first at 1:2)", 1, 8);
    reject("{\"x\":{\"k\":1,\"k\":2}}", "duplicate key 'k' (first at 1:7)", 1, 13);
    ts_error err;
    assert_false(parse_n("{\"o\":[{\"a\":1,\"a\":2}]}", 21, 0, &err));
    assert_string_equal(err.path, "o[0]");
    /* The same key in different objects, or differing only in case, is fine. */
    held h = accept("{\"a\":{\"a\":1},\"b\":{\"a\":2},\"A\":3}");
    release(h);
}

static void
test_many_keys_linear(void **state)
{
    (void)state;
    enum { N = 100000 };
    size_t cap = (size_t)N * 24 + 16, n = 0;
    char *s = xmalloc(cap);
    s[n++] = '{';
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s\"key%d\":%d", i ? "," : "", i, i);
    s[n++] = '}';
    s[n] = '\0';
    clock_t t0 = clock();
    held h = accept(s);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(cJSON_GetArraySize(json_doc_root(h.doc)), N);
    assert_true(secs < 2.0);
    release(h);
    /* And the last one duplicating the first is found. */
    n--;
    n += (size_t)snprintf(s + n, cap - n, ",\"key0\":1}");
    ts_error err;
    assert_false(parse_n(s, n, 0, &err));
    assert_string_equal(err.msg, "duplicate key 'key0' (first at 1:2)");
    free(s);
}

static void
test_numbers(void **state)
{
    (void)state;
    reject("1e999", "number out of range", 1, 1);
    reject("[1, -1e999]", "number out of range", 1, 5);
    reject("01", "invalid number (leading zero)", 1, 1);
    reject("-01", "invalid number (leading zero)", 1, 1);
    reject("[1.]", "invalid number (digit expected after '.')", 1, 2);
    reject("2.e3", "invalid number (digit expected after '.')", 1, 1);
    reject("-.5", "invalid number (digit expected after '-')", 1, 1);
    reject("-", "invalid number (digit expected after '-')", 1, 1);
    reject("1e", "invalid number (digit expected in exponent)", 1, 1);
    reject("1e+", "invalid number (digit expected in exponent)", 1, 1);
    reject(".5", "expected a value, found '.'", 1, 1);
    reject("+1", "expected a value, found '+'", 1, 1);
    reject("NaN", "expected a value, found 'NaN'", 1, 1);
    reject("[Infinity]", "expected a value, found 'Infinity'", 1, 2);
    reject("0x1F", "expected end of input after the JSON value, found 'x'", 1, 2);

    /* The path of an out-of-range number. */
    ts_error err;
    const char *s = "{\"observations\":[{\"code\":\"map\",\"value\":1e999}]}";
    assert_false(parse_n(s, strlen(s), 0, &err));
    assert_string_equal(err.msg, "number out of range");
    assert_string_equal(err.path, "observations[0].value");

    held h = accept("[1e-999, -0, -0.0, 0, 99999999999, 1.5E+3, "
                    "1234567890123456789012345678901234567890123456789012345678901234567890]");
    const cJSON *r = json_doc_root(h.doc);
    assert_true(cJSON_GetArrayItem(r, 0)->valuedouble == 0);
    assert_false(signbit(cJSON_GetArrayItem(r, 1)->valuedouble));
    assert_false(signbit(cJSON_GetArrayItem(r, 2)->valuedouble));
    assert_true(cJSON_GetArrayItem(r, 4)->valuedouble == 99999999999.0);
    assert_true(cJSON_GetArrayItem(r, 5)->valuedouble == 1500.0);
    assert_true(cJSON_GetArrayItem(r, 6)->valuedouble > 1e69);
    /* valueint holds the offset, not the saturated number. */
    assert_pos(&h, cJSON_GetArrayItem(r, 4), 1, 23);
    release(h);
}

static void
test_strings(void **state)
{
    (void)state;
    reject("\"\\uqqqq\"", "invalid \\u escape (expected 4 hex digits)", 1, 2);
    reject("\"\\u12\"", "invalid \\u escape (expected 4 hex digits)", 1, 2);
    reject("[\"ab\\u0000cd\"]", "\\u0000 is not allowed in strings", 1, 5);
    reject("\"a\tb\"", "control character U+0009 in string (write it as an escape)", 1, 3);
    reject("\"a\x01" "b\"", "control character U+0001 in string (write it as an escape)", 1, 3);
    reject("{\"a\": \"b\n}", "line break in string (missing closing quote?)", 1, 9);
    reject("\"\\x\"", "invalid escape '\\x'", 1, 2);
    reject("\"\\'\"", "invalid escape '\\''", 1, 2);
    reject("\"\\ud800\"", "lone surrogate '\\ud800'", 1, 2);
    reject("\"\\ud800\\u0041\"", "lone surrogate '\\ud800'", 1, 2);
    reject("\"\\udc00\"", "lone surrogate '\\udc00'", 1, 2);
    reject("\"abc", "unterminated string", 1, 1);
    reject("'a'", "expected a value, found \"'\"", 1, 1);

    held h = accept("[\"\\ud83d\\ude00\", \"\\u00e9\\n\\/\", \"caf\xC3\xA9\"]");
    const cJSON *r = json_doc_root(h.doc);
    assert_string_equal(cJSON_GetArrayItem(r, 0)->valuestring, "\xF0\x9F\x98\x80");
    assert_string_equal(cJSON_GetArrayItem(r, 1)->valuestring, "\xC3\xA9\n/");
    assert_string_equal(cJSON_GetArrayItem(r, 2)->valuestring, "caf\xC3\xA9");
    release(h);
}

static void
test_invalid_utf8(void **state)
{
    (void)state;
    reject("{\"name\": \"Jos\xE9\"}",
           "invalid UTF-8 byte 0xe9 (file may be Latin-1; convert to UTF-8)", 1, 14);
    reject("\"\x80\"", "invalid UTF-8 byte 0x80 (file may be Latin-1; convert to UTF-8)", 1, 2);
    reject("\"\xC0\xAF\"", "invalid UTF-8: overlong encoding", 1, 2);
    reject("\"\xE0\x80\xAF\"", "invalid UTF-8: overlong encoding", 1, 2);
    reject("\"\xED\xA0\x80\"", "invalid UTF-8: encoded surrogate U+D800", 1, 2);
    reject("\"\xF4\x90\x80\x80\"", "invalid UTF-8: code point above U+10FFFF", 1, 2);
    reject("\"\xF8\x88\x80\x80\x80\"",
           "invalid UTF-8 byte 0xf8 (file may be Latin-1; convert to UTF-8)", 1, 2);
    /* Truncated at the end of the text. */
    reject("\"\xE2\x82", "invalid UTF-8 byte 0xe2 (file may be Latin-1; convert to UTF-8)", 1, 2);
    /* Outside strings. */
    reject("[1,\xE9]", "invalid UTF-8 byte 0xe9 (file may be Latin-1; convert to UTF-8)", 1, 4);
    reject("[1,\xC3\xA9]", "expected a value, found a non-ASCII character", 1, 4);
    /* The largest valid code point passes. */
    held h = accept("\"\xF4\x8F\xBF\xBF\"");
    release(h);
}

static char *
nested(int n, char open, char close)
{
    char *s = xmalloc(2 * (size_t)n + 1);
    memset(s, open, (size_t)n);
    memset(s + n, close, (size_t)n);
    s[2 * n] = '\0';
    return s;
}

static void
test_depth(void **state)
{
    (void)state;
    char *s = nested(JSON_MAX_DEPTH, '[', ']');
    held h = accept(s);
    release(h);
    free(s);

    s = nested(JSON_MAX_DEPTH + 1, '[', ']');
    reject(s, "nesting deeper than 64 levels", 1, 65);
    free(s);

    s = nested(1001, '[', ']');
    reject(s, "nesting deeper than 64 levels", 1, 65);
    free(s);

    /* Objects count too, and 100,000 levels cost no more than 65. */
    char obj[16 * 70] = "";
    for (int i = 0; i < 65; i++)
        strcat(obj, "{\"a\":");
    reject(obj, "nesting deeper than 64 levels", 1, 64 * 5 + 1);
    s = nested(100000, '[', ']');
    clock_t t0 = clock();
    reject(s, "nesting deeper than 64 levels", 1, 65);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.1);
    free(s);
}

static void
test_encodings(void **state)
{
    (void)state;
    reject_n("\xFF\xFE{\0}\0", 6, "file is UTF-16; save as UTF-8", 1, 1);
    reject_n("\xFE\xFF\0{\0}", 6, "file is UTF-16; save as UTF-8", 1, 1);
    reject_n("{\0}\0", 4, "file is UTF-16; save as UTF-8", 1, 1);
    reject_n("\0{\0}", 4, "file is UTF-16; save as UTF-8", 1, 1);
    reject_n("\xFF\xFE\0\0{\0\0\0", 8, "file is UTF-32; save as UTF-8", 1, 1);
    reject_n("{\0\0\0}\0\0\0", 8, "file is UTF-32; save as UTF-8", 1, 1);
    reject_n("{\"a\":1}\0{\"b\":2}", 15, "NUL byte", 1, 8);
    reject_n("{\"a\":\n \"x\0\"}", 11, "NUL byte", 2, 4);
}

static void
test_utf8_bom(void **state)
{
    (void)state;
    held h = accept("\xEF\xBB\xBF{\"a\": [1, 2]}");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(json_doc_root(h.doc), "a");
    assert_pos(&h, json_doc_root(h.doc), 1, 1);
    assert_pos(&h, a, 1, 7);
    assert_pos(&h, cJSON_GetArrayItem(a, 1), 1, 11);
    release(h);
    reject("\xEF\xBB\xBF{\"a\":tru}", "expected a value, found 'tru'", 1, 6);
}

static void
test_syntax_messages(void **state)
{
    (void)state;
    reject("{\"a\":1 \"b\":2}", "expected ',' or '}' after object member, found '\"'", 1, 8);
    reject("[1 2]", "expected ',' or ']' after array element, found '2'", 1, 4);
    reject("{\"a\" 1}", "expected ':' after object key, found '1'", 1, 6);
    reject("{\"a\":1,}", "trailing comma in object", 1, 8);
    reject("[1,]", "trailing comma in array", 1, 4);
    reject("{a:1}", "expected string key or '}', found 'a'", 1, 2);
    reject("{\"a\":1,2}", "expected string key after ',', found '2'", 1, 8);
    reject("[1,,2]", "expected a value, found ','", 1, 4);
    reject("{\"a\":1", "unexpected end of input ('{' at 1:1 is not closed)", 1, 7);
    reject("[\n  [1,\n", "unexpected end of input ('[' at 2:3 is not closed)", 3, 1);
    reject("{\"a\":}", "expected a value, found '}'", 1, 6);
    reject("[1] // comment", "expected end of input after the JSON value, found '/'", 1, 5);
    reject("[1,\f2]", "expected a value, found U+000C", 1, 4);
    reject("[truex]", "expected a value, found 'truex'", 1, 2);
    held h = accept(" [true,false,null] ");
    release(h);
}

static void
test_positions(void **state)
{
    (void)state;
    /* CRLF, lone CR, and columns in characters (é is one column). */
    held h = accept("{\r\n  \"\xC3\xA9t\xC3\xA9\": 1,\r\n\t\"b\": [true, {\"c\": null}],\r\"d\":\"x\"}");
    const cJSON *r = json_doc_root(h.doc);
    assert_pos(&h, r, 1, 1);
    assert_pos(&h, cJSON_GetObjectItemCaseSensitive(r, "\xC3\xA9t\xC3\xA9"), 2, 10);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(r, "b");
    assert_pos(&h, b, 3, 7);
    assert_pos(&h, cJSON_GetArrayItem(b, 0), 3, 8);
    const cJSON *c = cJSON_GetArrayItem(b, 1);
    assert_pos(&h, c, 3, 14);
    assert_pos(&h, cJSON_GetObjectItemCaseSensitive(c, "c"), 3, 20);
    assert_pos(&h, cJSON_GetObjectItemCaseSensitive(r, "d"), 4, 5);
    release(h);

    reject("{\n  \"a\": 1,\n  \"\xC3\xA9\": x\n}", "expected a value, found 'x'", 3, 8);
}

static void
test_line_base(void **state)
{
    (void)state;
    ts_error err;
    assert_false(parse_n("{\"a\":\n01}", 9, 41, &err));
    assert_int_equal(err.line, 43);
    assert_int_equal(err.column, 1);
    assert_false(parse_n("{\"a\":1,\"a\":2}", 13, 9, &err));
    assert_string_equal(err.msg, "duplicate key 'a' (first at 10:2)");
    assert_int_equal(err.line, 10);

    char text[] = "{\"a\": 1,\n \"b\": 2}";
    json_doc *d = json_doc_parse(text, strlen(text), 41, &err);
    assert_non_null(d);
    int l, c;
    json_doc_position(d, cJSON_GetObjectItemCaseSensitive(json_doc_root(d), "b"), &l, &c);
    assert_int_equal(l, 43);
    assert_int_equal(c, 7);
    json_doc_free(d);
}

static void
test_type_names(void **state)
{
    (void)state;
    held h = accept("[\"s\", 1, {}, [], true, false, null]");
    const cJSON *r = json_doc_root(h.doc);
    const char *want[] = { "string", "number", "object", "array", "boolean", "boolean", "null" };
    for (int i = 0; i < 7; i++)
        assert_string_equal(json_type_name(cJSON_GetArrayItem(r, i)), want[i]);
    release(h);
}

/* A key cut in the message when it is long, and never raw control bytes. */
static void
test_long_key_message(void **state)
{
    (void)state;
    char s[512];
    char key[201];
    memset(key, 'k', 200);
    key[200] = '\0';
    snprintf(s, sizeof s, "{\"%s\":1,\"%s\":2}", key, key);
    ts_error err;
    assert_false(parse_n(s, strlen(s), 0, &err));
    assert_true(strlen(err.msg) < 100);
    assert_non_null(strstr(err.msg, "...' (first at 1:2)"));
    assert_false(parse_n("{\"\\u001b\":1,\"\\u001b\":2}", 23, 0, &err));
    assert_string_equal(err.msg, "duplicate key '?' (first at 1:2)");
}

/*
** One parse: plain ASCII texts go to cJSON first.  Everything cJSON 1.7.15
** lets through must still be refused, with the validator's message and
** position, in one-line texts (NDJSON) and with blanks around.
*/
static void
test_one_parse_refuses_what_cjson_allows(void **state)
{
    (void)state;
    reject("{\"a\":01}", "invalid number (leading zero)", 1, 6);
    reject("{\"a\":-01}", "invalid number (leading zero)", 1, 6);
    reject("{\"a\":1.}", "invalid number (digit expected after '.')", 1, 6);
    reject("{\"a\":1.e5}", "invalid number (digit expected after '.')", 1, 6);
    reject("{\"a\":-.5}", "invalid number (digit expected after '-')", 1, 6);
    reject("{\"a\":1e999}", "number out of range", 1, 6);
    reject("{\"a\":[-1e400]}", "number out of range", 1, 7);
    reject("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}", "duplicate key 'c' (first at 1:13)", 1, 19);
    reject("{\"a\":\"x\ty\"}", "control character U+0009 in string (write it as an escape)", 1, 8);
    reject("{\n \"a\": \"x\ny\"}", "line break in string (missing closing quote?)", 2, 9);
    reject("\f{}", "expected a value, found U+000C", 1, 1);
    reject("{} \v", "expected end of input after the JSON value, found U+000B", 1, 4);
    /* Accepted after all: long numbers (cJSON cuts them at 63 digits),
    ** -0 (made 0), blanks between tokens. */
    char big[200];
    memset(big, '7', 100);
    snprintf(big + 100, sizeof big - 100, ".5");
    char text[300];
    snprintf(text, sizeof text, "{\"a\":%s,\"b\":-0,\r\n\t\"c\":-0.0e-999}", big);
    held h = accept(text);
    const cJSON *r = json_doc_root(h.doc);
    assert_true(cJSON_GetObjectItemCaseSensitive(r, "a")->valuedouble > 7.7e99);
    assert_false(signbit(cJSON_GetObjectItemCaseSensitive(r, "b")->valuedouble));
    assert_false(signbit(cJSON_GetObjectItemCaseSensitive(r, "c")->valuedouble));
    assert_pos(&h, cJSON_GetObjectItemCaseSensitive(r, "c"), 2, 6);
    release(h);
}

/* Many positions at once are the same as one at a time, ASCII or not. */
static void
check_positions_many(const char *first_key)
{
    enum { N = 3000 };
    size_t cap = 64 * N + 64, n = 0;
    char *s = xmalloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "{\"%s\": [", first_key);
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s{\"code\": \"x%d\", \"v\": %d}%s",
                              i ? ", " : "", i, i, i % 500 == 499 ? "\n" : "");
    snprintf(s + n, cap - n, "]}");
    held h = accept(s);
    const cJSON *arr = json_doc_root(h.doc)->child, *it;
    const cJSON **nodes = xmalloc(2 * N * sizeof *nodes);
    int k = 0;
    /* Out of document order: values, then the items backwards. */
    cJSON_ArrayForEach(it, arr)
        nodes[k++] = cJSON_GetObjectItemCaseSensitive(it, "v");
    for (it = arr->child; it->next; it = it->next)
        ;
    for (; it && k < 2 * N; it = it->prev)
        nodes[k++] = it;
    int *lines = xmalloc(4 * N * sizeof *lines), *cols = lines + 2 * N;
    json_doc_positions(h.doc, nodes, k, lines, cols);
    for (int i = 0; i < k; i++) {
        int l, c;
        json_doc_position(h.doc, nodes[i], &l, &c);
        if (l != lines[i] || c != cols[i])
            fail_msg("node %d: %d:%d one at a time, %d:%d at once", i, l, c, lines[i], cols[i]);
    }
    assert_int_equal(lines[N - 1], 6);      /* the last "v", after 5 line breaks */
    free(lines);
    free(nodes);
    release(h);
    free(s);
}

static void
test_positions_many(void **state)
{
    (void)state;
    check_positions_many("items");
    check_positions_many("\xC3\xA9l\xC3\xA9ments");   /* not ASCII: the slow path */
}

/*
** A few positions among many items: the items no wanted node is in are
** stepped over as text (jsondoc.c, skim_skip_flat), across line breaks
** (\n and \r\n, inside an item too) and strings holding brackets, escaped
** quotes and backslashes; nested items are walked.  Every position must
** be what one at a time (a full skim) finds.
*/
static void
check_positions_sparse(int escapes)
{
    enum { N = 400 };
    size_t cap = 128 * N + 64, n = 0;
    char *s = xmalloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "{\"top\": 1,\r\n \"items\": [");
    for (int i = 0; i < N; i++) {
        const char *str = escapes && i % 3 == 0 ? "a\\\"}]\\\\" : i % 5 == 0 ? "b}]{[" : "c";
        if (i % 11 == 0)
            n += (size_t)snprintf(s + n, cap - n, "%s[%d, \"%s\",\n true]", i ? ", " : "", i, str);
        else if (i % 13 == 0)
            n += (size_t)snprintf(s + n, cap - n, "%s{\"in\": {\"k\": \"%s\"}, \"v\": %d}",
                                  i ? ", " : "", str, i);
        else
            n += (size_t)snprintf(s + n, cap - n, "%s{\"code\": \"%s%d\",%s \"v\": %d}",
                                  i ? ",\r\n " : "", str, i, i % 4 == 0 ? "\n" : "", i);
    }
    snprintf(s + n, cap - n, "], \"last\": {\"x\": null}}");
    held h = accept(s);
    const cJSON *root = json_doc_root(h.doc), *arr = root->child->next, *it;
    const cJSON *nodes[N];
    int k = 0, i = 0;
    cJSON_ArrayForEach(it, arr) {
        if (i % 7 == 3)
            nodes[k++] = it->child->next;       /* a member */
        else if (i % 17 == 5)
            nodes[k++] = it;                     /* an item */
        else if (i % 13 == 0 && i % 11 != 0)
            nodes[k++] = it->child->child;       /* in a nested one */
        i++;
    }
    nodes[k++] = root->child->next->next->child;    /* "x", after the array */
    int lines[N], cols[N];
    json_doc_positions(h.doc, nodes, k, lines, cols);
    for (int j = 0; j < k; j++) {
        int l, c;
        json_doc_position(h.doc, nodes[j], &l, &c);
        if (l != lines[j] || c != cols[j] || l == 0)
            fail_msg("node %d: %d:%d one at a time, %d:%d at once", j, l, c, lines[j], cols[j]);
    }
    release(h);
    free(s);
}

static void
test_positions_sparse(void **state)
{
    (void)state;
    check_positions_sparse(0);
    check_positions_sparse(1);      /* backslashes: the validator's path */
}

/*
** The pre-scan (jsondoc.c, odd_bytes) looks at eight bytes at a time: a
** control character, a byte above 0x7F or a backslash must be seen at
** every position in a word, and after any other byte (a borrow from one
** byte must not hide the next).  Each must give what the validator says.
*/
static void
test_odd_bytes_everywhere(void **state)
{
    (void)state;
    static const char base[] = "{\"key\":\"0123456789abcdefghijklmnopqrstuv\",\"n\":12}";
    size_t at0 = 8, nvar = 32;       /* the string's characters */
    for (size_t k = 0; k < nvar; k++) {
        char text[sizeof base + 8], want[128];
        ts_error err;
        /* A control character: refused, wherever it is. */
        memcpy(text, base, sizeof base);
        text[at0 + k] = '\x01';
        snprintf(want, sizeof want, "control character U+0001 in string (write it as an escape)");
        reject_n(text, strlen(text), want, 1, (int)(at0 + k + 1));
        text[at0 + k] = '\x1f';
        reject_n(text, strlen(text), "control character U+001F in string (write it as an escape)",
                 1, (int)(at0 + k + 1));
        /* After a space or a DEL (bytes at the edges of the range). */
        if (k > 0) {
            text[at0 + k - 1] = k % 2 ? ' ' : '\x7f';
            reject_n(text, strlen(text), "control character U+001F in string (write it as an escape)",
                     1, (int)(at0 + k + 1));
        }
        /* A byte above 0x7F that is not UTF-8: the validator's message. */
        memcpy(text, base, sizeof base);
        text[at0 + k] = '\xff';
        assert_null(parse_n(text, strlen(text), 0, &err));
        /* An escape: accepted, and read as the escape. */
        memcpy(text, base, at0 + k);
        memcpy(text + at0 + k, "\\\"", 2);
        memcpy(text + at0 + k + 2, base + at0 + k, sizeof base - at0 - k);
        held h = accept(text);
        const cJSON *v = json_doc_root(h.doc)->child;
        assert_int_equal(strlen(v->valuestring), nvar + 1);
        assert_int_equal(v->valuestring[k], '"');
        release(h);
        /* Two-byte UTF-8 across a word boundary: accepted. */
        memcpy(text, base, at0 + k);
        memcpy(text + at0 + k, "\xc3\xa9", 2);
        memcpy(text + at0 + k + 2, base + at0 + k, sizeof base - at0 - k);
        h = accept(text);
        release(h);
    }
}

/*
** The fast build (jsonbuild.c) must make cJSON's very tree.  Numbers are
** where it could go wrong (its own conversion, Clinger's fast path, for
** short ones): edges of that path and of double, then random ones.
*/
static void
expect_fast_same(const char *text)
{
    held h = accept(text);
    int same = json_doc_same_as_cjson(h.doc);
    if (same != 2)
        fail_msg("%s: %s", same ? "not built by the fast pass" : "tree differs from cJSON's",
                 text);
    release(h);
}

static void
test_fast_build_numbers(void **state)
{
    (void)state;
    static const char *const edges[] = {
        "0", "-0", "-0.0", "0.0", "0e10", "-0e-10", "1", "-1", "0.1", "0.2", "0.3",
        "0.30000000000000004", "1.5", "7.25", "65", "999999999999999",
        "9999999999999999", "9007199254740992", "9007199254740993",
        "123456789012345.6", "12345678901234.56", "1.000000000000001",
        "0.000000000000000000001", "0.0000000000000000000001",
        "0.00000000000000000000001", "1e22", "1e23", "1E-5", "1e+5", "2.5e-3",
        "5e-324", "4.9406564584124654e-324", "2.2250738585072014e-308",
        "2.2250738585072011e-308", "1.7976931348623157e308", "1e-400", "-1e-400",
        "18446744073709551615", "18446744073709551616", "100000000000000000000000",
        "3.141592653589793238462643383279", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "0.1e1", "10.0e-1",
    };
    char text[160];
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        snprintf(text, sizeof text, "[%s]", edges[i]);
        expect_fast_same(text);
        snprintf(text, sizeof text, "{\"v\": %s }", edges[i]);
        expect_fast_same(text);
    }
    /* Random numbers of the grammar, up to 63 characters. */
    srand(20261202);
    for (int i = 0; i < 50000; i++) {
        char num[80];
        int n = 0;
        if (rand() % 3 == 0)
            num[n++] = '-';
        int idig = rand() % 4 == 0 ? 0 : 1 + rand() % 19;
        if (idig == 0)
            num[n++] = '0';
        for (int k = 0; k < idig; k++)
            num[n++] = (char)('0' + (k == 0 ? 1 + rand() % 9 : rand() % 10));
        if (rand() % 2) {
            num[n++] = '.';
            int f = 1 + rand() % 24;
            for (int k = 0; k < f; k++)
                num[n++] = (char)('0' + (rand() % 3 == 0 ? 0 : rand() % 10));
        }
        if (rand() % 4 == 0) {
            num[n++] = rand() % 2 ? 'e' : 'E';
            if (rand() % 2)
                num[n++] = rand() % 2 ? '+' : '-';
            n += snprintf(num + n, sizeof num - (size_t)n, "%d", rand() % 300);
        }
        num[n] = '\0';
        snprintf(text, sizeof text, "[%s]", num);
        ts_error err;
        /* A number past double's range is refused (both ways); the rest
        ** must come through the fast build as cJSON reads them. */
        if (!parse_n(text, strlen(text), 0, &err))
            assert_string_equal(err.msg, "number out of range");
        else
            expect_fast_same(text);
    }
}

/* Objects past the pairwise comparison (16 members): keys sorted, the
** fast build still takes them, and a duplicate anywhere is the
** validator's message. */
static void
test_fast_build_big_objects(void **state)
{
    (void)state;
    char text[2048];
    for (int members = 15; members <= 40; members++) {
        size_t n = 0;
        n += (size_t)snprintf(text + n, sizeof text - n, "{");
        for (int i = 0; i < members; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s\"k%02d\":%d", i ? "," : "",
                                  (i * 7) % members, i);
        snprintf(text + n, sizeof text - n, "}");
        if (members % 7 != 0)           /* i * 7 mod members: all distinct */
            expect_fast_same(text);
        /* The last key again, as the first member's twin. */
        snprintf(text + n, sizeof text - n, ",\"k00\":1}");
        ts_error err;
        assert_false(parse_n(text, strlen(text), 0, &err));
        assert_string_equal(err.msg, "duplicate key 'k00' (first at 1:2)");
    }
}

/* A random document: nested objects and arrays, strings holding brackets,
** commas, escapes and UTF-8, numbers, literals, blanks and every line
** ending between tokens. */
static void
gen_value(char **p, int depth);

static void
gen_blank(char **p)
{
    static const char *const blanks[] = { "", "", " ", "\n", "\r\n", "\r", "\t", " \n  " };
    *p += sprintf(*p, "%s", blanks[rand() % 8]);
}

static void
gen_value(char **p, int depth)
{
    static const char strchars[] = "abcXYZ019 {}[]:,-./";
    /* Escapes and UTF-8 (2, 3 and 4 bytes) in some strings. */
    static const char *const odd[] = {
        "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u20AC",
        "\\ud83d\\ude00", "\\u0041", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
    };
    int kind = rand() % (depth < 4 ? 8 : 5);
    switch (kind) {
    case 0: {
        *(*p)++ = '"';
        for (int k = rand() % 12; k > 0; k--) {
            if (rand() % 16 == 0)
                *p += sprintf(*p, "%s", odd[rand() % 12]);
            else
                *(*p)++ = strchars[rand() % (int)(sizeof strchars - 1)];
        }
        *(*p)++ = '"';
        break;
    }
    case 1:
        *p += sprintf(*p, "%d.%d", rand() % 2000 - 1000, rand() % 1000);
        break;
    case 2:
        *p += sprintf(*p, "%s", rand() % 3 == 0 ? "null" : rand() % 2 ? "true" : "false");
        break;
    case 3:
    case 4:
        *p += sprintf(*p, "%d", rand() % 100000);
        break;
    default: {
        int obj = kind % 2, n = rand() % 6;
        *(*p)++ = obj ? '{' : '[';
        gen_blank(p);
        for (int k = 0; k < n; k++) {
            if (k) {
                *(*p)++ = ',';
                gen_blank(p);
            }
            if (obj) {
                *p += sprintf(*p, "\"k%d\"", k);
                gen_blank(p);
                *(*p)++ = ':';
                gen_blank(p);
            }
            gen_value(p, depth + 1);
            gen_blank(p);
        }
        *(*p)++ = obj ? '}' : ']';
    }
    }
}

/* Pre-order walk of two trees of the same shape, comparing positions one
** at a time and gathering the nodes for json_doc_positions. */
static void
same_positions(held *a, const cJSON *na, held *b, const cJSON *nb,
               const cJSON **alla, const cJSON **allb, int *n)
{
    for (; na && nb; na = na->next, nb = nb->next) {
        int la, ca, lb, cb;
        json_doc_position(a->doc, na, &la, &ca);
        json_doc_position(b->doc, nb, &lb, &cb);
        if (la != lb || ca != cb || la < 1)
            fail_msg("%d:%d built, %d:%d skimmed in\n%s", la, ca, lb, cb, a->text);
        alla[*n] = na;
        allb[(*n)++] = nb;
        same_positions(a, na->child, b, nb->child, alla, allb, n);
    }
}

/* All positions at once, in both documents, and one at a time. */
static void
same_positions_all(held *a, held *b)
{
    enum { MAX = 1 << 16 };
    const cJSON **alla = xmalloc(2 * MAX * sizeof *alla), **allb = alla + MAX;
    int *pos = xmalloc(4 * MAX * sizeof *pos), n = 0;
    same_positions(a, json_doc_root(a->doc), b, json_doc_root(b->doc), alla, allb, &n);
    json_doc_positions(a->doc, alla, n, pos, pos + MAX);
    json_doc_positions(b->doc, allb, n, pos + 2 * MAX, pos + 3 * MAX);
    for (int i = 0; i < n; i++) {
        int l, c;
        json_doc_position(a->doc, alla[i], &l, &c);
        if (pos[i] != l || pos[MAX + i] != c || pos[2 * MAX + i] != l || pos[3 * MAX + i] != c)
            fail_msg("node %d: %d:%d alone, %d:%d and %d:%d at once in\n%s", i, l, c,
                     pos[i], pos[MAX + i], pos[2 * MAX + i], pos[3 * MAX + i], a->text);
    }
    free(alla);
    free(pos);
}

/*
** Random documents: the fast build's tree is cJSON's, and its positions,
** found as it built, are those the skim finds for the same text made
** one the fast build refuses by its last value alone ("z": 1 becomes a
** number of 70 digits, which cJSON cuts: the validator's way): line
** table, offsets, columns in characters, \r\n and lone \r.
*/
static void
test_fast_build_documents(void **state)
{
    (void)state;
    srand(1202);
    char *buf = xmalloc(1 << 20), *slowbuf = xmalloc(1 << 20);
    int odd = 0;
    for (int i = 0; i < 3000; i++) {
        char *p = buf;
        gen_blank(&p);
        *p++ = '{';
        int n = rand() % 5;
        for (int k = 0; k < n; k++) {
            p += sprintf(p, "\"m%d\":", k);
            gen_blank(&p);
            gen_value(&p, 1);
            *p++ = ',';
            gen_blank(&p);
        }
        p += sprintf(p, "\"z\":");
        size_t head = (size_t)(p - buf);
        memcpy(slowbuf, buf, head);
        sprintf(p, "1}\n");
        sprintf(slowbuf + head, "1%070d}\n", 0);
        odd += strchr(buf, '\\') || strchr(buf, '\xc3');
        held fast = accept(buf);
        if (json_doc_same_as_cjson(fast.doc) != 2)
            fail_msg("not the fast build or not cJSON's tree:\n%s", buf);
        held slow = accept(slowbuf);
        assert_int_equal(json_doc_same_as_cjson(slow.doc), 1);
        same_positions_all(&fast, &slow);
        release(fast);
        release(slow);
    }
    assert_true(odd > 300);         /* escapes and UTF-8 were tried */
    free(buf);
    free(slowbuf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_fast_build_numbers),
        cmocka_unit_test(test_fast_build_documents),
        cmocka_unit_test(test_fast_build_big_objects),
        cmocka_unit_test(test_top_level_non_objects_accepted),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_many_keys_linear),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_syntax_messages),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_line_base),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_long_key_message),
        cmocka_unit_test(test_one_parse_refuses_what_cjson_allows),
        cmocka_unit_test(test_positions_many),
        cmocka_unit_test(test_odd_bytes_everywhere),
        cmocka_unit_test(test_positions_sparse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
