/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_hv_request.c: fuzz hyperv-sim's request decoder (a
 * WS-Management envelope) and the WQL of its Enumerate filters; what is
 * accepted is whole: an action, and for an invocation a method named by it;
 * a refusal says why, as a fault subcode and a text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/hyperv-sim/request.h"
#include "../../cmd/hyperv-sim/wql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "hv request: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_request rq;
    const char *subcode = NULL;
    char why[256];
    if (!hv_request_parse((const char *)data, size, &rq, &subcode, why,
                          sizeof(why))) {
        check(subcode && *subcode, "refused without a subcode");
        check(memchr(why, '\0', sizeof(why)) != NULL, "why unterminated");
        hv_request_release(&rq);
        return 0;
    }
    check(rq.action != NULL, "accepted without an action");
    check(rq.target.nsel <= HV_MAX_SELECTORS, "too many selectors");
    check(rq.nparams <= HV_MAX_PARAMS, "too many parameters");
    if (rq.op == HV_OP_INVOKE) {
        check(rq.method && *rq.method, "an invocation without a method");
        size_t al = strlen(rq.action), ml = strlen(rq.method);
        check(al > ml && strcmp(rq.action + al - ml, rq.method) == 0,
              "the method is not the action's last segment");
    }
    for (size_t i = 0; i < rq.nparams; i++) {
        const struct hv_param *p = &rq.params[i];
        check(p->name != NULL, "a parameter without a name");
        check(!!p->text + !!p->epr + !!p->em + p->nil <= 1,
              "a parameter of two kinds");
        if (p->em)
            check(p->em->classname != NULL, "an instance without a class");
    }
    if (rq.filter == HV_FILTER_WQL && rq.filter_text) {
        struct hv_wql q;
        if (hv_wql_parse(rq.filter_text, &q)) {
            check(q.cls[0] != '\0', "a query without a class");
            check(q.nconds <= HV_WQL_MAX_CONDS, "too many conditions");
        } else {
            check(q.why[0] != '\0', "a query refused without a reason");
        }
    }
    /* The query alone too: the whole input as WQL text. */
    char *text = malloc(size + 1);
    if (text) {
        memcpy(text, data, size);
        text[size] = '\0';
        struct hv_wql q;
        if (!hv_wql_parse(text, &q))
            check(q.why[0] != '\0', "a query refused without a reason");
        free(text);
    }
    hv_request_release(&rq);
    return 0;
}
