/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/xtree.c: the light element tree: arena, element and attribute
 * names, building from SAX2 events. */
#include <libxml/xmlstring.h>
#include <libxml/dict.h>
#include <stdalign.h>

#include "xtree.h"

/*
 * Why not libxml2's own tree: it allocates and frees an xmlNode per
 * element, an xmlAttr and a text node per attribute, looks every attribute
 * up as a possible ID or IDREF, and the converter then compares names as
 * strings.  This tree takes its memory from an arena released in one go
 * (a streamed item gives its part back at once, for the next item to
 * reuse), keeps only the attributes and the text the converter reads, and
 * turns names into small integers when an element starts.  libxml2 interns
 * every element and attribute name in the parser's dictionary (its own
 * tree builder relies on it), so a name is known by its pointer and
 * compared as a string only the first time it is seen.
 *
 * Bounds: the decoder charges a fixed cost per element and every byte of
 * attribute values and text against its limit as they come.  A node takes
 * a bounded amount more than its charge (it keeps at most one attribute
 * per known name), text buffers grow by doubling, so the arena stays
 * within a small multiple of what was charged.
 */

#define CHUNK_SIZE ((size_t)32 << 10)
#define NAME_BITS  8 /* name tables of 256 slots, at most half full */
#define NAME_SLOTS ((size_t)1 << NAME_BITS)

struct chunk {
    struct chunk *prev;
    size_t size, used;
    char data[]; /* 8-byte aligned: follows three 8-byte members */
};

struct arena {
    struct chunk *cur;
    struct chunk *spare; /* one chunk kept for reuse after a drop */
};

/* Interned name -> enum; open addressing, never more than half full. */
struct names {
    const void *key[NAME_SLOTS];
    unsigned char id[NAME_SLOTS];
    size_t n;
};

struct spi_xtree {
    struct arena arena;
    struct spi_xnode *root, *cur;
    xmlDictPtr dict;
    struct names tags, attrs;
};

static const char *const tag_names[SPI_X_NTAGS] = {
#define TAG_NAME(id, name) [SPI_X_##id] = name,
    SPI_XTAGS(TAG_NAME)
#undef TAG_NAME
};

static const char *const attr_names[SPI_A_NATTRS] = {
#define ATTR_NAME(id, name) [SPI_A_##id] = name,
    SPI_XATTRS(ATTR_NAME)
#undef ATTR_NAME
};

/* Attribute names are a bit in a 32-bit set, tags fit in a byte. */
_Static_assert(SPI_A_NATTRS <= 32, "too many attribute names");
_Static_assert(SPI_X_NTAGS <= 256, "too many element names");

/* ---- the arena ---- */

static struct chunk *chunk_new(struct arena *a, size_t need)
{
    struct chunk *c = a->spare;
    if (c && c->size >= need) {
        a->spare = NULL;
    } else {
        size_t size = need > CHUNK_SIZE ? need : CHUNK_SIZE;
        if (size > SIZE_MAX / 2)
            abort();
        c = spi_xmalloc(sizeof(*c) + size);
        c->size = size;
    }
    c->used = 0;
    c->prev = a->cur;
    a->cur = c;
    return c;
}

static void chunk_recycle(struct arena *a, struct chunk *c)
{
    /* Only a standard chunk is kept: one oversized item must not leave
     * its memory behind for the rest of the response. */
    if (!a->spare && c->size == CHUNK_SIZE)
        a->spare = c;
    else
        free(c);
}

/* @n bytes aligned to @align (a power of two, at most 8). */
static void *arena_alloc(struct arena *a, size_t n, size_t align)
{
    struct chunk *c = a->cur;
    if (c) {
        size_t off = (c->used + align - 1) & ~(align - 1);
        if (off <= c->size && n <= c->size - off) {
            c->used = off + n;
            return c->data + off;
        }
    }
    c = chunk_new(a, n);
    c->used = n;
    return c->data;
}

static void arena_release(struct arena *a)
{
    while (a->cur) {
        struct chunk *c = a->cur;
        a->cur = c->prev;
        free(c);
    }
    free(a->spare);
    a->spare = NULL;
}

/* ---- names ---- */

static size_t slot_of(const void *key)
{
    uint64_t h = (uint64_t)(uintptr_t)key * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> (64 - NAME_BITS));
}

static bool names_get(const struct names *nm, const void *key, unsigned *id)
{
    for (size_t i = slot_of(key); nm->key[i]; i = (i + 1) % NAME_SLOTS)
        if (nm->key[i] == key) {
            *id = nm->id[i];
            return true;
        }
    return false;
}

static void names_put(struct names *nm, const void *key, unsigned id)
{
    if (!key || nm->n >= NAME_SLOTS / 2)
        return;
    size_t i = slot_of(key);
    while (nm->key[i] && nm->key[i] != key)
        i = (i + 1) % NAME_SLOTS;
    if (!nm->key[i])
        nm->n++;
    nm->key[i] = key;
    nm->id[i] = (unsigned char)id;
}

static unsigned tag_by_string(const char *name)
{
    for (unsigned i = 1; i < SPI_X_NTAGS; i++)
        if (SPI_STREQ(tag_names[i], name))
            return i;
    return SPI_X_OTHER;
}

static unsigned attr_by_string(const char *name)
{
    for (unsigned i = 1; i < SPI_A_NATTRS; i++)
        if (strcasecmp(attr_names[i], name) == 0)
            return i;
    return SPI_A_OTHER;
}

static unsigned lookup(struct names *nm, const xmlChar *name,
                       unsigned (*by_string)(const char *))
{
    unsigned id;
    if (names_get(nm, name, &id))
        return id;
    id = by_string((const char *)name);
    names_put(nm, name, id);
    return id;
}

/* The name libxml2's tree would give: with a prefix no namespace
 * declaration binds, "prefix:localname". */
static const xmlChar *qname(struct spi_xtree *t, const xmlChar *localname,
                            const xmlChar *prefix, const xmlChar *uri)
{
    if (!prefix || uri)
        return localname;
    const xmlChar *q = xmlDictQLookup(t->dict, prefix, localname);
    return q ? q : localname;
}

/* ---- building ---- */

struct spi_xtree *spi_xtree_new(struct _xmlDict *dict)
{
    struct spi_xtree *t = spi_xcalloc(1, sizeof(*t));
    t->dict = dict;
    xmlDictReference(dict);
    /* The names the converter asks for are known from the start, so
     * they never depend on what else the document names first. */
    for (unsigned i = 1; i < SPI_X_NTAGS; i++)
        names_put(&t->tags, xmlDictLookup(dict, BAD_CAST tag_names[i], -1), i);
    for (unsigned i = 1; i < SPI_A_NATTRS; i++)
        names_put(&t->attrs, xmlDictLookup(dict, BAD_CAST attr_names[i], -1),
                  i);
    return t;
}

void spi_xtree_free(struct spi_xtree *t)
{
    if (!t)
        return;
    arena_release(&t->arena);
    xmlDictFree(t->dict);
    free(t);
}

const struct spi_xnode *spi_xtree_root(const struct spi_xtree *t)
{
    return t->root;
}

struct spi_xnode *spi_xtree_current(const struct spi_xtree *t)
{
    return t->cur;
}

static unsigned attr_id(struct spi_xtree *t, const xmlChar **a)
{
    return lookup(&t->attrs, qname(t, a[0], a[1], a[2]), attr_by_string);
}

/*
 * libxml2 hands attribute values over unescaped, except that with entity
 * substitution off it writes an '&' as "&#38;" for its own tree builder
 * to decode again (no other reference can be left: DTDs are refused, so no
 * entity is ever declared).  Do what that tree builder does.
 */
static void unescape_amp(char *s)
{
    char *w = s;
    for (const char *r = s; *r;)
        if (r[0] == '&' && strncmp(r, "&#38;", 5) == 0) {
            *w++ = '&';
            r += 5;
        } else {
            *w++ = *r++;
        }
    *w = '\0';
}

/* An attribute value, unescaped as libxml2's tree would have it. */
static const char *attr_value(struct spi_xtree *t, const xmlChar *v,
                              const xmlChar *end)
{
    size_t len = (size_t)(end - v);
    char *s = arena_alloc(&t->arena, len + 1, 1);
    memcpy(s, v, len);
    s[len] = '\0';
    /* A value libxml2 rewrote (references, whitespace) is a copy it ends
     * with a NUL; one that ends at its quote in the input has no '&'. */
    if (*end == '\0' && memchr(s, '&', len))
        unescape_amp(s);
    return s;
}

void spi_xtree_open(struct spi_xtree *t, const xmlChar *localname,
                    const xmlChar *prefix, const xmlChar *uri,
                    int nb_attributes, const xmlChar **attributes)
{
    /* Only the first attribute of each known name is kept (the only one
     * spi_xml_attr() can return), so an element holds at most one per
     * name however many spellings of it the document uses. */
    unsigned room = nb_attributes < SPI_A_NATTRS - 1 ? (unsigned)nb_attributes
                                                     : SPI_A_NATTRS - 1;
    struct spi_xnode *n =
        arena_alloc(&t->arena, sizeof(*n) + room * sizeof(n->attrs[0]),
                    alignof(struct spi_xnode));
    const xmlChar *name = qname(t, localname, prefix, uri);
    *n = (struct spi_xnode){
        .name = (const char *)name,
        .parent = t->cur,
        .tag = lookup(&t->tags, name, tag_by_string),
    };
    uint32_t seen = 0;
    for (int i = 0; i < nb_attributes && n->nattrs < room; i++) {
        const xmlChar **a = attributes + i * 5;
        unsigned id = attr_id(t, a);
        uint32_t bit = (uint32_t)1 << id;
        if (id == SPI_A_OTHER || (seen & bit))
            continue;
        seen |= bit;
        n->attrs[n->nattrs++] =
            (struct spi_xattr){.value = attr_value(t, a[3], a[4]), .id = id};
    }
    if (t->cur) {
        if (t->cur->last)
            t->cur->last->next = n;
        else
            t->cur->first = n;
        t->cur->last = n;
    } else if (!t->root) {
        t->root = n;
    }
    t->cur = n;
}

struct spi_xnode *spi_xtree_close(struct spi_xtree *t)
{
    struct spi_xnode *n = t->cur;
    if (n)
        t->cur = n->parent;
    return n;
}

void spi_xtree_text(struct spi_xtree *t, const char *s, size_t len)
{
    struct spi_xnode *n = t->cur;
    if (!len || !spi_xtree_keeps_text(n))
        return;
    size_t need = n->textlen + len + 1;
    if (need > n->textcap) {
        struct chunk *c = t->arena.cur;
        if (n->text && n->text + n->textcap == c->data + c->used &&
            need - n->textcap <= c->size - c->used) {
            /* Still the last thing allocated (text comes in pieces):
             * extend it where it is. */
            c->used += need - n->textcap;
        } else {
            size_t cap = n->textcap * 2 > need ? n->textcap * 2 : need;
            char *p = arena_alloc(&t->arena, cap, 1);
            memcpy(p, n->text ? n->text : "", n->textlen);
            n->text = p;
            need = cap;
        }
        n->textcap = need;
    }
    memcpy(n->text + n->textlen, s, len);
    n->textlen += len;
    n->text[n->textlen] = '\0';
}

struct spi_xmark spi_xtree_mark(const struct spi_xtree *t)
{
    struct chunk *c = t->arena.cur;
    return (struct spi_xmark){.chunk = c, .used = c ? c->used : 0};
}

void spi_xtree_drop(struct spi_xtree *t, struct spi_xnode *parent,
                    struct spi_xmark m)
{
    parent->first = parent->last = NULL;
    struct arena *a = &t->arena;
    while (a->cur && a->cur != m.chunk) {
        struct chunk *c = a->cur;
        a->cur = c->prev;
        chunk_recycle(a, c);
    }
    if (a->cur)
        a->cur->used = m.used;
}
