/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/deploy.h: a deploy: its plan (plan.c) and its run (run.c). */
#ifndef SANPROV_DEPLOY_PLAN_H
#define SANPROV_DEPLOY_PLAN_H

#include "deploy_internal.h"
#include "names.h"

#include <pthread.h>

struct deploy_vm {
    char *name;
    const char *host;    /* placed on */
    const char *connect; /* "iscsi", "fc", "file" */
    sp_vm_record *r;     /* its journal, once begun */
    int lock;            /* held while it is worked on */
    bool failed;
    /* The VM's UUID, minted by the plan, for which its names are reserved,
     * and those names, held from the plan to the VM's end. */
    char uuid[37];
    struct spi_vm_names names;
};

struct sp_deploy {
    const sp_config *cfg;
    sp_library *lib;
    const sp_template *tmpl;
    char *host, *group, *user_data;
    bool start, keep_failed;
    unsigned int jobs, timeout;
    struct spi_reach reach; /* the plan's handles, and the first worker's */
    size_t n;
    struct deploy_vm *vms;
    char *dir; /* LIBRARY/vms */
    char *array;
    sp_id *source; /* the template's LUN */
    uint64_t lun_size;
    sp_id *pool;
    sp_pool *pool_obj;
    sp_copy_method method;
    uint64_t requests; /* of worker handles closed */
    /* the run */
    pthread_mutex_t lock;
    size_t next;
    sp_deploy_fn fn;
    void *ctx;
    sp_code first_failure;
};

#endif
