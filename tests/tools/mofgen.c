/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/mofgen.c: generate smis-sim's schema table
 * (cmd/smis-sim/schema.c) from the DMTF CIM Schema MOFs. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * mofgen reads a list of class names (one a line, '#' comments), finds
 * each class's MOF in the DMTF schema zip (one class a file, read with
 * "unzip -p"), follows the superclasses up to the root, and writes a C
 * table of those classes: for each, the properties, references and
 * methods it declares itself (overrides included), with the qualifiers
 * clients read: Key, ValueMap, Values, EmbeddedInstance, EmbeddedObject,
 * Required, In and Out; Association, Indication and Abstract on the
 * class.  Qualifiers an override does not restate are taken from the
 * overridden declaration (they have the ToSubclass flavor), so each entry
 * is complete.  Descriptions are left out.
 *
 * The MOF grammar handled is the subset DMTF's one-class-a-file MOFs use:
 * comments, qualifier lists with scalar or array values and flavors,
 * "class NAME : SUPER { ... };", properties (arrays, defaults),
 * references and methods with parameters.
 */

static const char usage[] =
    "usage: mofgen SCHEMA.zip CLASSLIST\n"
    "\n"
    "Write the C table of the classes named in CLASSLIST and their\n"
    "ancestors, from the DMTF CIM Schema MOFs in SCHEMA.zip, to stdout.\n";

static void die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mofgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s);
    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        die("out of memory");
    return d;
}

/* ---- text and tokens ---- */

struct text {
    char *s;
    size_t n, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->s = xrealloc(t->s, t->cap);
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

enum tok { T_EOF, T_IDENT, T_STRING, T_NUMBER, T_PUNCT };

struct lexer {
    const char *p;
    const char *file;
    enum tok tok;
    struct text val; /* identifier, string (concatenated), number, punct */
};

static void skip_space(struct lexer *l)
{
    for (;;) {
        while (isspace((unsigned char)*l->p))
            l->p++;
        if (l->p[0] == '/' && l->p[1] == '/') {
            while (*l->p && *l->p != '\n')
                l->p++;
        } else if (l->p[0] == '/' && l->p[1] == '*') {
            const char *e = strstr(l->p + 2, "*/");
            l->p = e ? e + 2 : l->p + strlen(l->p);
        } else if (l->p[0] == '#') { /* #pragma */
            while (*l->p && *l->p != '\n')
                l->p++;
        } else {
            return;
        }
    }
}

static void read_string(struct lexer *l)
{
    /* Adjacent string literals are one string. */
    while (*l->p == '"') {
        l->p++;
        while (*l->p && *l->p != '"') {
            char c = *l->p++;
            if (c == '\\' && *l->p) {
                c = *l->p++;
                switch (c) {
                case 'n':
                    c = '\n';
                    break;
                case 't':
                    c = '\t';
                    break;
                case 'r':
                    c = '\r';
                    break;
                default:
                    break;
                }
            }
            text_add(&l->val, &c, 1);
        }
        if (*l->p != '"')
            die("%s: unterminated string", l->file);
        l->p++;
        skip_space(l);
    }
}

static void next(struct lexer *l)
{
    skip_space(l);
    l->val.n = 0;
    text_add(&l->val, "", 0);
    const char *s = l->p;
    if (!*s) {
        l->tok = T_EOF;
    } else if (*s == '"') {
        l->tok = T_STRING;
        read_string(l);
    } else if (*s == '\'') {
        /* A char16 literal: kept as its text. */
        l->p++;
        while (*l->p && *l->p != '\'')
            l->p += l->p[0] == '\\' && l->p[1] ? 2 : 1;
        if (*l->p)
            l->p++;
        l->tok = T_STRING;
        text_add(&l->val, s + 1, (size_t)(l->p - s - 2));
    } else if (isalpha((unsigned char)*s) || *s == '_') {
        while (isalnum((unsigned char)*l->p) || *l->p == '_')
            l->p++;
        l->tok = T_IDENT;
        text_add(&l->val, s, (size_t)(l->p - s));
    } else if (isdigit((unsigned char)*s) || *s == '-' || *s == '+' ||
               *s == '.') {
        l->p++;
        while (isalnum((unsigned char)*l->p) || *l->p == '.')
            l->p++;
        l->tok = T_NUMBER;
        text_add(&l->val, s, (size_t)(l->p - s));
    } else {
        l->p++;
        l->tok = T_PUNCT;
        text_add(&l->val, s, 1);
    }
}

static bool is_punct(const struct lexer *l, char c)
{
    return l->tok == T_PUNCT && l->val.s[0] == c;
}

static bool is_ident(const struct lexer *l, const char *w)
{
    return l->tok == T_IDENT && strcasecmp(l->val.s, w) == 0;
}

static void expect(struct lexer *l, char c)
{
    if (!is_punct(l, c))
        die("%s: '%c' expected near '%.40s'", l->file, c, l->val.s);
    next(l);
}

static char *take_ident(struct lexer *l, const char *what)
{
    if (l->tok != T_IDENT)
        die("%s: %s expected near '%.40s'", l->file, what, l->val.s);
    char *s = xstrdup(l->val.s);
    next(l);
    return s;
}

/* ---- the model ---- */

/* A qualifier value: its scalar text or its array's elements. */
struct qual {
    char *name;
    char **v;
    size_t n;
    bool present;
};

struct feature {
    char kind; /* 'p' property, 'm' method, 'a' parameter */
    char *name;
    char *type; /* MOF type, or the reference's class for a REF */
    bool ref, array;
    bool key, required, in, out, embobj;
    char *embinst;
    struct qual valuemap, values;
    bool has_in; /* an explicit IN qualifier */
    struct feature *params;
    size_t nparams;
};

struct klass {
    char *name, *super;
    bool association, indication, abstract;
    struct feature *f;
    size_t nf;
    struct klass *parent;
    bool emitted;
};

static struct klass **classes;
static size_t nclasses;

/* The qualifiers seen in one [...] list. */
struct quals {
    bool key, required, in, in_set, out, embobj, association, indication,
        abstract;
    char *embinst;
    struct qual valuemap, values;
};

static void qual_free(struct qual *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i]);
    free(q->v);
    memset(q, 0, sizeof(*q));
}

static void qual_add(struct qual *q, const char *v)
{
    q->v = xrealloc(q->v, (q->n + 1) * sizeof(*q->v));
    q->v[q->n++] = xstrdup(v);
}

/* A qualifier's value: "( scalar )" or "{ a, b }" into @q (may be NULL
 * to skip), or nothing (a boolean flag: TRUE). */
static bool qual_value(struct lexer *l, struct qual *q)
{
    bool flag = true;
    if (is_punct(l, '(')) {
        next(l);
        if (q)
            qual_add(q, l->val.s);
        if (is_ident(l, "false"))
            flag = false;
        next(l);
        expect(l, ')');
    } else if (is_punct(l, '{')) {
        next(l);
        while (!is_punct(l, '}')) {
            if (l->tok == T_EOF)
                die("%s: unterminated qualifier array", l->file);
            if (q)
                qual_add(q, l->val.s);
            next(l);
            if (is_punct(l, ','))
                next(l);
        }
        next(l);
    }
    if (q)
        q->present = true;
    return flag;
}

static void parse_quals(struct lexer *l, struct quals *qs)
{
    memset(qs, 0, sizeof(*qs));
    if (!is_punct(l, '['))
        return;
    next(l);
    while (!is_punct(l, ']')) {
        char *name = take_ident(l, "qualifier");
        struct qual tmp = {0};
        struct qual *into = &tmp;
        if (strcasecmp(name, "ValueMap") == 0)
            into = &qs->valuemap;
        else if (strcasecmp(name, "Values") == 0)
            into = &qs->values;
        bool flag = qual_value(l, into);
        if (strcasecmp(name, "Key") == 0)
            qs->key = flag;
        else if (strcasecmp(name, "Required") == 0)
            qs->required = flag;
        else if (strcasecmp(name, "In") == 0) {
            qs->in = flag;
            qs->in_set = true;
        } else if (strcasecmp(name, "Out") == 0)
            qs->out = flag;
        else if (strcasecmp(name, "EmbeddedObject") == 0)
            qs->embobj = flag;
        else if (strcasecmp(name, "Association") == 0)
            qs->association = flag;
        else if (strcasecmp(name, "Indication") == 0)
            qs->indication = flag;
        else if (strcasecmp(name, "Abstract") == 0)
            qs->abstract = flag;
        else if (strcasecmp(name, "EmbeddedInstance") == 0 && tmp.n)
            qs->embinst = xstrdup(tmp.v[0]);
        qual_free(&tmp);
        free(name);
        if (is_punct(l, ':')) { /* flavors */
            next(l);
            while (l->tok == T_IDENT)
                next(l);
        }
        if (is_punct(l, ','))
            next(l);
        else if (!is_punct(l, ']'))
            die("%s: ',' or ']' expected in qualifiers near '%.40s'", l->file,
                l->val.s);
    }
    next(l);
}

static void set_quals(struct feature *f, struct quals *qs)
{
    f->key = qs->key;
    f->required = qs->required;
    f->in = qs->in_set ? qs->in : true; /* In defaults to TRUE */
    f->has_in = qs->in_set;
    f->out = qs->out;
    f->embobj = qs->embobj;
    f->embinst = qs->embinst;
    f->valuemap = qs->valuemap;
    f->values = qs->values;
}

/* "[N]" or "[]" after a name. */
static bool parse_array(struct lexer *l)
{
    if (!is_punct(l, '['))
        return false;
    next(l);
    while (!is_punct(l, ']')) {
        if (l->tok == T_EOF)
            die("%s: unterminated array size", l->file);
        next(l);
    }
    next(l);
    return true;
}

/* Skip a default value up to (not including) ';'. */
static void skip_default(struct lexer *l)
{
    int depth = 0;
    while (l->tok != T_EOF && !(depth == 0 && is_punct(l, ';'))) {
        if (is_punct(l, '{') || is_punct(l, '('))
            depth++;
        else if (is_punct(l, '}') || is_punct(l, ')'))
            depth--;
        next(l);
    }
}

/* TYPE [REF] NAME: the type (or reference class) and name. */
static void parse_typed_name(struct lexer *l, struct feature *f)
{
    f->type = take_ident(l, "type");
    if (is_ident(l, "REF")) {
        f->ref = true;
        next(l);
    }
    f->name = take_ident(l, "name");
}

static void parse_method(struct lexer *l, struct feature *m)
{
    m->kind = 'm';
    expect(l, '(');
    while (!is_punct(l, ')')) {
        struct quals qs;
        parse_quals(l, &qs);
        m->params = xrealloc(m->params, (m->nparams + 1) * sizeof(*m->params));
        struct feature *a = &m->params[m->nparams++];
        memset(a, 0, sizeof(*a));
        a->kind = 'a';
        set_quals(a, &qs);
        parse_typed_name(l, a);
        a->array = parse_array(l);
        if (is_punct(l, ','))
            next(l);
        else if (!is_punct(l, ')'))
            die("%s: ',' or ')' expected in method %s", l->file, m->name);
    }
    next(l);
}

static struct klass *parse_class(const char *text, const char *file)
{
    struct lexer l = {.p = text, .file = file};
    next(&l);
    struct quals cq;
    parse_quals(&l, &cq);
    if (!is_ident(&l, "class"))
        die("%s: 'class' expected near '%.40s'", file, l.val.s);
    next(&l);
    struct klass *k = xcalloc(1, sizeof(*k));
    k->name = take_ident(&l, "class name");
    k->association = cq.association;
    k->indication = cq.indication;
    k->abstract = cq.abstract;
    qual_free(&cq.valuemap);
    qual_free(&cq.values);
    free(cq.embinst);
    if (is_punct(&l, ':')) {
        next(&l);
        k->super = take_ident(&l, "superclass");
    }
    expect(&l, '{');
    while (!is_punct(&l, '}')) {
        if (l.tok == T_EOF)
            die("%s: unterminated class", file);
        struct quals qs;
        parse_quals(&l, &qs);
        k->f = xrealloc(k->f, (k->nf + 1) * sizeof(*k->f));
        struct feature *f = &k->f[k->nf++];
        memset(f, 0, sizeof(*f));
        f->kind = 'p';
        set_quals(f, &qs);
        parse_typed_name(&l, f);
        if (is_punct(&l, '(')) {
            parse_method(&l, f);
        } else {
            f->array = parse_array(&l);
            if (is_punct(&l, '='))
                skip_default(&l);
        }
        expect(&l, ';');
    }
    free(l.val.s);
    return k;
}

/* ---- reading the zip ---- */

static const char *zip_path;

static char *read_member(const char *cls)
{
    for (const char *p = cls; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            die("bad class name '%s'", cls);
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "unzip -p -C '%s' '*/%s.mof' 2>/dev/null",
             zip_path, cls);
    FILE *f = popen(cmd, "r");
    if (!f)
        die("cannot run unzip");
    struct text t = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        text_add(&t, buf, n);
    pclose(f);
    if (!t.n)
        die("class '%s' is not in %s", cls, zip_path);
    return t.s;
}

static struct klass *find_class(const char *name)
{
    for (size_t i = 0; i < nclasses; i++)
        if (strcasecmp(classes[i]->name, name) == 0)
            return classes[i];
    return NULL;
}

static struct feature *find_feature(struct klass *k, const char *name,
                                    char kind)
{
    for (; k; k = k->parent)
        for (size_t i = 0; i < k->nf; i++)
            if (k->f[i].kind == kind && strcasecmp(k->f[i].name, name) == 0)
                return &k->f[i];
    return NULL;
}

static void copy_qual(struct qual *to, const struct qual *from)
{
    if (to->present || !from->present)
        return;
    for (size_t i = 0; i < from->n; i++)
        qual_add(to, from->v[i]);
    to->present = true;
}

/* An override inherits what it does not restate. */
static void inherit(struct feature *f, const struct feature *base)
{
    f->key = f->key || base->key;
    f->required = f->required || base->required;
    f->embobj = f->embobj || base->embobj;
    if (!f->embinst && base->embinst)
        f->embinst = xstrdup(base->embinst);
    copy_qual(&f->valuemap, &base->valuemap);
    copy_qual(&f->values, &base->values);
}

static struct klass *load(const char *name)
{
    struct klass *k = find_class(name);
    if (k)
        return k;
    char *text = read_member(name);
    k = parse_class(text, name);
    free(text);
    if (strcasecmp(k->name, name) != 0)
        die("%s.mof declares class %s", name, k->name);
    classes = xrealloc(classes, (nclasses + 1) * sizeof(*classes));
    classes[nclasses++] = k;
    if (k->super) {
        k->parent = load(k->super);
        free(k->super);
        k->super = xstrdup(k->parent->name); /* the schema's spelling */
        k->association = k->association || k->parent->association;
        k->indication = k->indication || k->parent->indication;
        for (size_t i = 0; i < k->nf; i++) {
            struct feature *base =
                find_feature(k->parent, k->f[i].name, k->f[i].kind);
            if (base && k->f[i].kind == 'p')
                inherit(&k->f[i], base);
        }
    }
    return k;
}

/* ---- output ---- */

static void put_cstr(const char *s)
{
    if (!s) {
        fputs("NULL", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c < 32 || c > 126)
            printf("\\%03o", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* A qualifier array as one string, entries separated by '\n'. */
static void put_list(const struct qual *q)
{
    if (!q->present) {
        fputs("NULL", stdout);
        return;
    }
    struct text t = {0};
    text_add(&t, "", 0);
    for (size_t i = 0; i < q->n; i++) {
        if (i)
            text_add(&t, "\n", 1);
        text_add(&t, q->v[i], strlen(q->v[i]));
    }
    put_cstr(t.s);
    free(t.s);
}

static const char *c_type(const struct feature *f)
{
    static const char *const map[][2] = {
        {"uint8", "SP_CIM_UINT8"},     {"sint8", "SP_CIM_SINT8"},
        {"uint16", "SP_CIM_UINT16"},   {"sint16", "SP_CIM_SINT16"},
        {"uint32", "SP_CIM_UINT32"},   {"sint32", "SP_CIM_SINT32"},
        {"uint64", "SP_CIM_UINT64"},   {"sint64", "SP_CIM_SINT64"},
        {"real32", "SP_CIM_REAL32"},   {"real64", "SP_CIM_REAL64"},
        {"boolean", "SP_CIM_BOOLEAN"}, {"string", "SP_CIM_STRING"},
        {"char16", "SP_CIM_CHAR16"},   {"datetime", "SP_CIM_DATETIME"},
    };
    if (f->ref)
        return "SP_CIM_REFERENCE";
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcasecmp(f->type, map[i][0]) == 0)
            return map[i][1];
    die("unknown type '%s' of %s", f->type, f->name);
    return NULL;
}

static void put_feature(const struct feature *f)
{
    printf("    {'%c', ", f->kind);
    put_cstr(f->name);
    printf(", %s, ", c_type(f));
    int n = 0;
    const char *flags[8];
    if (f->array)
        flags[n++] = "SIM_SF_ARRAY";
    if (f->key)
        flags[n++] = "SIM_SF_KEY";
    if (f->required)
        flags[n++] = "SIM_SF_REQUIRED";
    if (f->kind == 'a' && f->in)
        flags[n++] = "SIM_SF_IN";
    if (f->kind == 'a' && f->out)
        flags[n++] = "SIM_SF_OUT";
    if (f->embobj)
        flags[n++] = "SIM_SF_EMBOBJ";
    if (f->embinst)
        flags[n++] = "SIM_SF_EMBINST";
    for (int i = 0; i < n; i++)
        printf("%s%s", i ? " | " : "", flags[i]);
    if (!n)
        putchar('0');
    fputs(", ", stdout);
    put_cstr(f->ref ? f->type : f->embinst);
    fputs(",\n     ", stdout);
    put_list(&f->valuemap);
    fputs(",\n     ", stdout);
    put_list(&f->values);
    fputs("},\n", stdout);
}

static int by_name(const void *a, const void *b)
{
    return strcasecmp((*(struct klass *const *)a)->name,
                      (*(struct klass *const *)b)->name);
}

static void emit(const char *list)
{
    qsort(classes, nclasses, sizeof(*classes), by_name);
    printf("/* SPDX-License-Identifier: LGPL-2.1-or-later */\n"
           "/* cmd/smis-sim/schema.c: the DMTF CIM Schema 2.49 classes "
           "smis-sim serves\n"
           " * and their ancestors.  Generated by tests/tools/mofgen from "
           "the MOFs and\n"
           " * %s (\"make schema\"): do not edit. */\n"
           "/* clang-format off */\n"
           "#include \"schema.h\"\n\n",
           list);
    for (size_t i = 0; i < nclasses; i++) {
        const struct klass *k = classes[i];
        printf("static const struct sim_schema_feature f_%s[] = {\n", k->name);
        for (size_t j = 0; j < k->nf; j++) {
            put_feature(&k->f[j]);
            for (size_t a = 0; a < k->f[j].nparams; a++)
                put_feature(&k->f[j].params[a]);
        }
        if (!k->nf)
            printf("    {0}\n");
        printf("};\n\n");
    }
    printf("/* Sorted by name (ASCII, case ignored). */\n"
           "const struct sim_schema_class sim_schema[] = {\n");
    for (size_t i = 0; i < nclasses; i++) {
        const struct klass *k = classes[i];
        size_t n = 0;
        for (size_t j = 0; j < k->nf; j++)
            n += 1 + k->f[j].nparams;
        printf("    {\"%s\", ", k->name);
        put_cstr(k->super);
        int nf = 0;
        fputs(", ", stdout);
        if (k->association)
            printf("%sSIM_SC_ASSOCIATION", nf++ ? " | " : "");
        if (k->indication)
            printf("%sSIM_SC_INDICATION", nf++ ? " | " : "");
        if (k->abstract)
            printf("%sSIM_SC_ABSTRACT", nf++ ? " | " : "");
        if (!nf)
            putchar('0');
        printf(", f_%s, %zu},\n", k->name, n);
    }
    printf("};\nconst size_t sim_schema_count = %zu;\n", nclasses);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs(usage, stderr);
        return 2;
    }
    zip_path = argv[1];
    FILE *f = fopen(argv[2], "r");
    if (!f)
        die("cannot open '%s'", argv[2]);
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        char *s = line + strspn(line, " \t");
        s[strcspn(s, " \t\r\n#")] = '\0';
        if (*s)
            load(s);
    }
    fclose(f);
    emit(argv[2]);
    return 0;
}
