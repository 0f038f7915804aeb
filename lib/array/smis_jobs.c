/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_jobs.c: invoking SMI-S methods, and waiting for the jobs
 * they start (backoff, progress, timeout). */
#include <time.h>
#include <unistd.h>

#include "smis.h"

#define DEFAULT_JOB_TIMEOUT_S 3600u
#define POLL_MIN_MS           100
#define POLL_MAX_MS           2000

static const char *return_meaning(uint64_t rc)
{
    switch (rc) {
    case 1:
        return "not supported";
    case 2:
        return "unknown error";
    case 3:
        return "timeout";
    case 4:
        return "failed";
    case 5:
        return "invalid parameter";
    case 6:
        return "in use";
    case 4097:
        return "size not supported";
    default:
        return "error";
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The job's own account of its failure: ErrorDescription, else GetError. */
static char *job_error(sp_array *a, const sp_cim_path *job,
                       const sp_cim_instance *inst)
{
    const char *d = sp_cim_instance_get_string(inst, "ErrorDescription");
    if (d && *d)
        return spi_xstrdup(d);
    sp_cim_args *out = NULL;
    char *msg = NULL;
    if (sp_cim_invoke_method(smis_of(a)->c, job, "GetError", NULL, 0, NULL,
                             &out) == SP_OK) {
        const sp_cim_instance *e =
            sp_cim_value_get_instance(sp_cim_args_get(out, "Error"));
        const char *m = e ? sp_cim_instance_get_string(e, "Message") : NULL;
        msg = m ? spi_xstrdup(m) : NULL;
    }
    sp_cim_args_free(out);
    return msg ? msg : spi_xstrdup("the array gives no reason");
}

static char *job_key(sp_array *a, const sp_cim_path *job)
{
    struct smis *s = smis_of(a);
    const char *id =
        sp_cim_value_get_string(sp_cim_path_get_key(job, "InstanceID"));
    SPI_AUTOFREE char *usual = spi_xasprintf("%sConcreteJob", s->prefix);
    if (id && spi_name_eq(sp_cim_path_class(job), usual))
        return spi_xstrdup(id);
    return spi_xasprintf("%s/%s", sp_cim_path_class(job), id ? id : "");
}

/*
 * What a job's instance says about it.  JobState (CIM_ConcreteJob) is the
 * answer when the array gives it: 7 Completed; 8 Terminated, 9 Killed,
 * 10 Exception are failures; anything else is not finished yet.
 *
 * Without JobState (HP 3PAR drops it from a GetInstance or Associators
 * given a PropertyList: ../shared/cim/vendor-quirks.md), the job is judged
 * by what else it says, after the DMTF CIM Schema 2.49:
 * - CIM_ManagedSystemElement.OperationalStatus: "Completed" (17) "should
 *   be combined with either OK, Error, or Degraded so that a client can
 *   tell if the complete operation Completed with OK (passed), Completed
 *   with Error (failed), or Completed with Degraded (the operation
 *   finished, but it did not complete OK or did not report an error)".
 *   So {OK, Completed} in either order (libstoragemgmt's SMI-S plugin,
 *   _job_completed_ok, accepts both orders too) is done; Completed with
 *   Degraded (3), Error (6), Non-Recoverable Error (7), Stopped (10) or
 *   Aborted (14) is a failure.  Without Completed, Error, Non-Recoverable
 *   Error, Stopped and Aborted are the job states Exception, Terminated
 *   and Killed (OpenLMI's storage jobs, for one, pair them so:
 *   Dormant/New, OK/Running, Completed+OK, Completed+Error,
 *   Stopped/Terminated); any other value (OK, Degraded, Dormant,
 *   Starting...) is a job still running.
 * - CIM_Job.ErrorCode "must be set to zero if the Job completed without
 *   error": a Completed job with a non-zero ErrorCode failed, and so did
 *   one that is Completed alone (neither OK nor Error) and gives an
 *   ErrorDescription.
 * - CIM_Job.PercentComplete is progress only: 100 % does not say whether
 *   the job succeeded, so it never decides.
 * A job with neither JobState nor OperationalStatus says nothing usable.
 */
enum job_verdict { JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_SILENT };

static enum job_verdict judge_status(const sp_cim_instance *j)
{
    const sp_cim_value *os = sp_cim_instance_get(j, "OperationalStatus");
    bool any = false, completed = false, ok = false, degraded = false;
    bool ended_badly = false;
    size_t n = os ? sp_cim_value_count(os) : 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        if (!sp_cim_value_get_uint(sp_cim_value_at(os, i), &v))
            continue;
        any = true;
        completed |= v == 17;
        ok |= v == 2;
        degraded |= v == 3;
        ended_badly |= v == 6 || v == 7 || v == 10 || v == 14;
    }
    if (!any)
        return JOB_SILENT;
    if (!completed)
        return ended_badly ? JOB_FAILED : JOB_RUNNING;
    uint64_t code = 0;
    bool has_code = sp_cim_instance_get_uint(j, "ErrorCode", &code);
    const char *desc = sp_cim_instance_get_string(j, "ErrorDescription");
    if (ended_badly || degraded || (has_code && code != 0))
        return JOB_FAILED;
    if (ok)
        return JOB_DONE;
    return desc && *desc ? JOB_FAILED : JOB_DONE;
}

static enum job_verdict judge_job(const sp_cim_instance *j)
{
    uint64_t state;
    if (!sp_cim_instance_get_uint(j, "JobState", &state))
        return judge_status(j);
    if (state == 7) /* Completed */
        return JOB_DONE;
    if (state >= 8 && state <= 10) /* Terminated, Killed, Exception */
        return JOB_FAILED;
    return JOB_RUNNING;
}

/*
 * Read the job and judge it.  A job that says nothing usable through the
 * PropertyList is read once more without one before anything is
 * concluded (*@reread records that it was); when that full read does say
 * something, *@full makes every later read a full one, as the
 * PropertyList is what loses the state.  A job silent even then is taken
 * as running: the time-out ends the wait.
 */
static sp_code poll_job(sp_array *a, const sp_cim_path *job, bool *full,
                        bool *reread, sp_cim_instance **inst,
                        enum job_verdict *verdict)
{
    static const char *const props[] = {"JobState",         "OperationalStatus",
                                        "PercentComplete",  "ErrorCode",
                                        "ErrorDescription", NULL};
    struct smis *s = smis_of(a);
    *inst = NULL;
    if (sp_cim_get_instance(s->c, job, *full ? NULL : props, 0, inst))
        return smis_fail(a);
    *verdict = judge_job(*inst);
    if (*verdict != JOB_SILENT || *full || *reread)
        return SP_OK;
    *reread = true;
    sp_cim_instance *again = NULL;
    if (sp_cim_get_instance(s->c, job, NULL, 0, &again))
        return smis_fail(a);
    enum job_verdict v = judge_job(again);
    if (v == JOB_SILENT) {
        sp_cim_instance_free(again);
        return SP_OK;
    }
    *full = true;
    sp_cim_instance_free(*inst);
    *inst = again;
    *verdict = v;
    return SP_OK;
}

static sp_code job_failed(sp_array *a, const sp_cim_path *job,
                          const sp_cim_instance *j, const char *what)
{
    SPI_AUTOFREE char *why = job_error(a, job, j);
    SPI_AUTOFREE char *key = job_key(a, job);
    SPI_AUTOFREE char *id = spi_array_job_id(a, key);
    return spi_array_fail(a, SP_ERR_CIM, "%s failed on the array (%s): %s",
                          what, id, why);
}

static sp_code wait_job(sp_array *a, const sp_cim_path *job, const char *what)
{
    unsigned limit = a->timeout_s ? a->timeout_s : DEFAULT_JOB_TIMEOUT_S;
    int64_t deadline = now_ms() + (int64_t)limit * 1000;
    int delay = POLL_MIN_MS;
    bool full = false, reread = false;
    for (;;) {
        sp_cim_instance *j = NULL;
        enum job_verdict verdict;
        sp_code rc = poll_job(a, job, &full, &reread, &j, &verdict);
        if (rc)
            return rc;
        uint64_t pct = 0;
        bool has_pct = sp_cim_instance_get_uint(j, "PercentComplete", &pct);
        if (verdict == JOB_DONE) {
            sp_cim_instance_free(j);
            if (a->progress)
                a->progress(what, 100, a->progress_ctx);
            return SP_OK;
        }
        if (verdict == JOB_FAILED) {
            rc = job_failed(a, job, j, what);
            sp_cim_instance_free(j);
            return rc;
        }
        sp_cim_instance_free(j);
        if (a->progress)
            a->progress(what, has_pct ? (int)(pct > 100 ? 100 : pct) : -1,
                        a->progress_ctx);
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            SPI_AUTOFREE char *key = job_key(a, job);
            free(a->pending_job);
            a->pending_job = spi_array_job_id(a, key);
            return spi_array_fail(a, SP_ERR_JOB_TIMEOUT,
                                  "%s is still running on the array after "
                                  "%u s (job %s)",
                                  what, limit, a->pending_job);
        }
        usleep((useconds_t)((left < delay ? left : delay) * 1000));
        delay = delay * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 3 / 2;
    }
}

/*
 * Fujitsu ETERNUS DX serialises calls on the array and answers one made
 * while another runs with 32786 (volume busy) or 32787 (device busy): to
 * be asked again (vendor-quirks.md, from Cinder's ETERNUS driver).  Codes
 * from 32768 up are each vendor's own, so they are read as busy only from
 * a provider known as Fujitsu's, by its classes' prefix.
 */
static bool busy(const struct smis *s, uint64_t rc)
{
    return (rc == 32786 || rc == 32787) && s->prefix &&
           strcasecmp(s->prefix, "FUJITSU_") == 0;
}

/* Invoke @method, again while the array says it is busy (with backoff,
 * within the job timeout); its return code into *@rc (false: untyped). */
static sp_code invoke_when_free(sp_array *a, const sp_cim_path *target,
                                const char *method, const sp_cim_args *in,
                                sp_cim_args **out, uint64_t *rc, bool *typed)
{
    struct smis *s = smis_of(a);
    unsigned limit = a->timeout_s ? a->timeout_s : DEFAULT_JOB_TIMEOUT_S;
    int64_t deadline = now_ms() + (int64_t)limit * 1000;
    unsigned wait = POLL_MIN_MS;
    for (;;) {
        sp_cim_value *ret = NULL;
        if (sp_cim_invoke_method(s->c, target, method, in, 0, &ret, out))
            return smis_fail(a);
        *rc = 0;
        *typed = sp_cim_value_get_uint(ret, rc);
        sp_cim_value_free(ret);
        if (!*typed || !busy(s, *rc) || now_ms() + wait > deadline)
            return SP_OK;
        sp_log(SP_LOG_DEBUG, "array %s: %s: busy (%llu), again in %u ms",
               a->name, method, (unsigned long long)*rc, wait);
        sp_cim_args_free(*out);
        *out = NULL;
        usleep((useconds_t)wait * 1000);
        wait = wait * 2 > POLL_MAX_MS ? POLL_MAX_MS : wait * 2;
    }
}

sp_code smis_invoke(sp_array *a, const sp_cim_path *target, const char *method,
                    const sp_cim_args *in, const char *what, sp_cim_args **out,
                    sp_cim_path **job)
{
    struct smis *s = smis_of(a);
    *out = NULL;
    if (job)
        *job = NULL;
    uint64_t rc = 0;
    bool typed = false;
    sp_code irc = invoke_when_free(a, target, method, in, out, &rc, &typed);
    if (irc)
        return irc;
    if (typed && rc == 4096) {
        const sp_cim_path *jp =
            sp_cim_value_get_ref(sp_cim_args_get(*out, "Job"));
        if (!jp) {
            sp_cim_args_free(*out);
            *out = NULL;
            return spi_array_fail(a, SP_ERR_PROTOCOL,
                                  "%s: %s started a job but named none", what,
                                  method);
        }
        sp_cim_path *jcopy = sp_cim_path_copy(jp);
        if (!sp_cim_path_namespace(jcopy))
            sp_cim_path_set_namespace(jcopy, s->ns);
        sp_code w = wait_job(a, jcopy, what);
        if (w || !job)
            sp_cim_path_free(jcopy);
        else
            *job = jcopy;
        if (w) {
            sp_cim_args_free(*out);
            *out = NULL;
        }
        return w;
    }
    if (!typed || rc != 0) {
        sp_cim_args_free(*out);
        *out = NULL;
        return spi_array_fail(a, rc == 1 ? SP_ERR_NOT_SUPPORTED : SP_ERR_CIM,
                              "%s: %s returned %llu (%s)", what, method,
                              (unsigned long long)rc,
                              busy(s, rc) ? "busy" : return_meaning(rc));
    }
    return SP_OK;
}

sp_code smis_job_results(sp_array *a, const sp_cim_path *job,
                         const char *result_class, sp_cim_path **out)
{
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    *out = NULL;
    if (sp_cim_associator_names(s->c, job, "CIM_AffectedJobElement",
                                result_class, NULL, NULL, 0, smis_keep_path,
                                &l))
        return smis_fail_freeing(a, &l, smis_list_free_paths);
    if (l.n) {
        *out = l.v[0];
        l.v[0] = NULL;
    }
    smis_list_free_paths(&l);
    if (!*out)
        return spi_array_fail(a, SP_ERR_PROTOCOL,
                              "the job finished but names no %s", result_class);
    return SP_OK;
}
