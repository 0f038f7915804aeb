/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/jobs.c: methods that start jobs (ReturnValue 4096), and waiting
 * for the Msvm_ConcreteJob / CIM_ConcreteJob they name. */
#include <time.h>
#include <unistd.h>

#include "client.h"

#define DEFAULT_JOB_TIMEOUT_S 3600u
#define POLL_MIN_MS           100
#define POLL_MAX_MS           2000

/* What a method's ReturnValue means: CIM's (DSP1033 style) and Hyper-V's
 * (Msvm_VirtualSystemManagementService and the others of
 * root/virtualization/v2 share them). */
static const char *return_meaning(uint64_t rc)
{
    switch (rc) {
    case 1:
        return "not supported";
    case 2:
        return "failed";
    case 3:
        return "timeout";
    case 4:
        return "failed";
    case 5:
        return "invalid parameter";
    case 32768:
        return "failed";
    case 32769:
        return "access denied";
    case 32770:
        return "not supported";
    case 32771:
        return "status is unknown";
    case 32772:
        return "timeout";
    case 32773:
        return "invalid parameter";
    case 32774:
        return "system is in use";
    case 32775:
        return "invalid state for this operation";
    case 32776:
        return "incorrect data type";
    case 32777:
        return "system is not available";
    case 32778:
        return "out of memory";
    case 32779:
        return "file not found";
    default:
        return "error";
    }
}

static sp_code return_code(uint64_t rc)
{
    switch (rc) {
    case 1:
    case 32770:
        return SP_ERR_NOT_SUPPORTED;
    case 32769:
        return SP_ERR_AUTH;
    case 32779:
        return SP_ERR_NOT_FOUND;
    default:
        return SP_ERR_CIM;
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The job's name for messages: its InstanceID, escaped. */
static char *job_name(const sp_cim_path *job)
{
    const char *id =
        sp_cim_value_get_string(sp_cim_path_get_key(job, "InstanceID"));
    return id ? sp_text_escape(id, strlen(id), 0) : spi_xstrdup("?");
}

/*
 * CIM_ConcreteJob.JobState: 7 Completed ends well; 8 Terminated, 9 Killed,
 * 10 Exception end badly; 2-6 and 11 (New, Starting, Running, Suspended,
 * Shutting Down, Service) are a job still going.  Hyper-V always gives
 * JobState; a job without one is taken as running, the time-out ending
 * the wait.
 */
enum verdict { JOB_RUNNING, JOB_DONE, JOB_FAILED };

static enum verdict judge(const sp_cim_instance *j)
{
    uint64_t state;
    if (!sp_cim_instance_get_uint(j, "JobState", &state))
        return JOB_RUNNING;
    if (state == 7)
        return JOB_DONE;
    if (state >= 8 && state <= 10)
        return JOB_FAILED;
    return JOB_RUNNING;
}

static sp_code job_failed(struct spi_ws_client *c, const sp_cim_path *job,
                          const sp_cim_instance *j, const char *what)
{
    SPI_AUTOFREE char *name = job_name(job);
    const char *d = sp_cim_instance_get_string(j, "ErrorDescription");
    uint64_t code = 0;
    bool has_code = sp_cim_instance_get_uint(j, "ErrorCode", &code);
    SPI_AUTOFREE char *why = d && *d ? sp_text_escape(d, strlen(d), 0)
                                     : spi_xstrdup("the host gives no reason");
    char num[40] = "";
    if (has_code)
        snprintf(num, sizeof(num), " (error %llu)", (unsigned long long)code);
    spi_ws_client_fail(c, SP_ERR_CIM,
                       "%s: the job failed on the host (job %s): %.700s%s",
                       what, name, why, num);
    return SP_ERR_CIM;
}

static sp_code wait_job(struct spi_ws_client *c, const sp_cim_path *job,
                        unsigned int limit_s, const char *what)
{
    unsigned int limit = limit_s ? limit_s : DEFAULT_JOB_TIMEOUT_S;
    int64_t deadline = now_ms() + (int64_t)limit * 1000;
    int delay = POLL_MIN_MS;
    for (;;) {
        sp_cim_instance *j = NULL;
        sp_code rc = spi_ws_get(c, job, &j);
        if (rc)
            return rc;
        enum verdict v = judge(j);
        uint64_t pct = 0;
        bool has_pct = sp_cim_instance_get_uint(j, "PercentComplete", &pct);
        if (v == JOB_FAILED)
            rc = job_failed(c, job, j, what);
        else
            spi_ws_client_progress(c, what,
                                   v == JOB_DONE ? 100
                                   : has_pct     ? (int)(pct > 100 ? 100 : pct)
                                                 : -1);
        sp_cim_instance_free(j);
        if (v != JOB_RUNNING)
            return rc;
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            SPI_AUTOFREE char *name = job_name(job);
            return spi_ws_client_fail(c, SP_ERR_JOB_TIMEOUT,
                                      "%s: still running on the host after "
                                      "%u s (job %s)",
                                      what, limit, name);
        }
        usleep((useconds_t)((left < delay ? left : delay) * 1000));
        delay = delay * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 3 / 2;
    }
}

sp_code spi_ws_invoke_job(struct spi_ws_client *c, const sp_cim_path *p,
                          const char *method, const sp_cim_args *in,
                          const char *what, sp_cim_args **out)
{
    sp_cim_value *ret = NULL;
    sp_cim_args *o = NULL;
    if (out)
        *out = NULL;
    sp_code rc = spi_ws_invoke(c, p, method, in, &ret, &o);
    if (rc)
        return rc;
    uint64_t v = 0;
    bool typed = sp_cim_value_get_uint(ret, &v);
    sp_cim_value_free(ret);
    if (!typed) {
        rc = spi_ws_client_fail(c, SP_ERR_PROTOCOL,
                                "%s: %s returned no ReturnValue", what, method);
    } else if (v == 4096) {
        const sp_cim_path *job =
            sp_cim_value_get_ref(sp_cim_args_get(o, "Job"));
        if (!job)
            rc = spi_ws_client_fail(c, SP_ERR_PROTOCOL,
                                    "%s: %s started a job but named none", what,
                                    method);
        else
            rc = wait_job(c, job, spi_ws_client_job_timeout(c), what);
    } else if (v != 0) {
        rc = spi_ws_client_fail(c, return_code(v), "%s: %s returned %llu (%s)",
                                what, method, (unsigned long long)v,
                                return_meaning(v));
    }
    if (rc || !out)
        sp_cim_args_free(o);
    else
        *out = o;
    return rc;
}
