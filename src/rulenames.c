/*
** rulenames.c -- the names of rule kinds and comparison operators (rules.h).
**
** A rule kind's name is its YAML key (rulesyntax.c parses "latest:" by
** looking it up here), and the same word names the kind in messages, in
** 'trialscreen trials' and in the evaluator's own errors.  It sits beside
** rules.h, below both the parser and the evaluator, so that the evaluator
** needs nothing from the parser (tests/callgraph.sh).
*/
#include "rules.h"

static const char *const kind_names[] = {
    [R_ALL] = "all",
    [R_ANY] = "any",
    [R_NOT] = "not",
    [R_CHECK] = "needs_check",
    [R_AT_LEAST] = "at_least",
    [R_CRITERION] = "criterion",
    [R_AGE] = "age",
    [R_SEX] = "sex",
    [R_LATEST] = "latest",
    [R_ANY_VALUE] = "any_value",
    [R_ALL_VALUES] = "all_values",
    [R_SUSTAINED] = "sustained",
    [R_EPISODE] = "episode",
    [R_CONSECUTIVE] = "consecutive",
    [R_TIME_SINCE] = "time_since",
    [R_DURATION] = "duration",
    [R_CONDITION] = "condition",
    [R_PROCEDURE] = "procedure",
    [R_LOCATION] = "location",
    [R_MEDICATION] = "medication",
    [R_TOTAL] = "total",
    [R_FACT] = "fact",
    [R_HELD_FOR] = "for"
};

static const char *const op_names[] = {
    [CMP_NONE] = "none", [CMP_GT] = "above", [CMP_GE] = "at_least",
    [CMP_LT] = "below", [CMP_LE] = "at_most", [CMP_EQ] = "equals",
    [CMP_BETWEEN] = "between"
};

const char *
rule_kind_name(rule_kind k)
{
    size_t i = (size_t)k;
    if (i >= sizeof kind_names / sizeof kind_names[0] || !kind_names[i])
        return "?";
    return kind_names[i];
}

const char *
cmp_op_name(cmp_op op)
{
    size_t i = (size_t)op;
    if (i >= sizeof op_names / sizeof op_names[0])
        return "none";
    return op_names[i];
}
