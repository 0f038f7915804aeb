/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/wql.h: the WQL that hyperv-sim's Enumerate filters take. */
#ifndef HYPERV_SIM_WQL_H
#define HYPERV_SIM_WQL_H

#include <stdbool.h>
#include <stddef.h>

#define HV_WQL_MAX_CONDS 8
#define HV_WQL_NAME      128
#define HV_WQL_VALUE     512

enum hv_wql_kind { HV_WQL_SELECT, HV_WQL_ASSOCIATORS, HV_WQL_REFERENCES };

/*
 * What is understood (keywords in any case):
 *   SELECT * FROM Class [WHERE Prop = value [AND Prop = value]...]
 *   ASSOCIATORS OF {path} [WHERE AssocClass = C ResultClass = C
 *                                Role = R ResultRole = R]
 *   REFERENCES OF {path} [WHERE ResultClass = C Role = R]
 * A value is 'quoted', "quoted", a number, TRUE or FALSE; a path is
 * [\\HOST\NAMESPACE:]Class.Key="v"[,Key="v"]... with \" and \\ escaped.
 */
struct hv_wql {
    enum hv_wql_kind kind;
    char cls[HV_WQL_NAME]; /* SELECT's class, or the path's */
    size_t nconds;         /* SELECT: Prop = value, ANDed; the path's keys */
    char prop[HV_WQL_MAX_CONDS][HV_WQL_NAME];
    char value[HV_WQL_MAX_CONDS][HV_WQL_VALUE];
    char assoc_class[HV_WQL_NAME], result_class[HV_WQL_NAME];
    char role[HV_WQL_NAME], result_role[HV_WQL_NAME];
    char why[160]; /* when refused */
};

bool hv_wql_parse(const char *text, struct hv_wql *q);

#endif
