/*
 * trace_metadata.c - TSDL (CTF 1.8 metadata) generated from
 * trace_schema.def, and the mem_type name table.
 *
 * Must never: allocate (the shim calls it inside the host process), or emit
 * an unescaped byte taken from the environment.
 */
#include "trace_metadata.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "h5snoop/trace_schema.h"

const char *const h5snoop_loss_names[H5SNOOP_LOSS_COUNT] = {
#define H5SNOOP_LOSS(id, name, drops, doc) [id] = #name,
#include "h5snoop/trace_schema.def"
};

const unsigned char h5snoop_loss_drops[H5SNOOP_LOSS_COUNT] = {
#define H5SNOOP_LOSS(id, name, drops, doc) [id] = drops,
#include "h5snoop/trace_schema.def"
};

const char *const h5snoop_mem_type_names[H5SNOOP_MEM_NTYPES] = {
#define H5SNOOP_MT_NAME(v, n) [v] = #n,
	H5SNOOP_MEM_TYPES(H5SNOOP_MT_NAME)
#undef H5SNOOP_MT_NAME
};

/* A bounded appender: keeps counting past `cap` so the caller learns the
 * size it needs, as snprintf does. */
struct text {
	char *buf;
	size_t cap;
	size_t len;
};

static void text_putc(struct text *t, char c)
{
	if (t->len + 1 < t->cap)
		t->buf[t->len] = c;
	t->len++;
}

static void text_printf(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	size_t room = t->len < t->cap ? t->cap - t->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

/*
 * A TSDL string literal.  RATIONALE: command lines and labels are the
 * user's text; quotes and backslashes are escaped, control bytes become
 * spaces (TSDL readers differ on escapes beyond \" and \\), and bytes >=
 * 0x80 pass through so UTF-8 survives.
 */
static void text_quoted(struct text *t, const char *s)
{
	text_putc(t, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			text_putc(t, '\\');
			text_putc(t, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			text_putc(t, ' ');
		} else {
			text_putc(t, (char)c);
		}
	}
	text_putc(t, '"');
}

static void text_uuid(struct text *t, const uint8_t u[16])
{
	text_putc(t, '"');
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			text_putc(t, '-');
		text_printf(t, "%02x", u[i]);
	}
	text_putc(t, '"');
}

static void text_types(struct text *t)
{
	static const struct {
		const char *name;
		int bits;
		int is_signed;
	} ints[] = {
		{"u8", 8, 0},   {"u16", 16, 0}, {"u32", 32, 0},
		{"u64", 64, 0}, {"s8", 8, 1},   {"s16", 16, 1},
		{"s32", 32, 1}, {"s64", 64, 1},
	};

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		text_printf(t,
			    "typealias integer { size = %d; align = 8; "
			    "signed = %s; } := %s;\n",
			    ints[i].bits, ints[i].is_signed ? "true" : "false",
			    ints[i].name);
	text_printf(t, "\ntypealias enum : u8 {\n");
#define H5SNOOP_MT_TSDL(v, n) text_printf(t, "\t\"%s\" = %d,\n", #n, v);
	H5SNOOP_MEM_TYPES(H5SNOOP_MT_TSDL)
#undef H5SNOOP_MT_TSDL
	text_printf(t, "} := mem_type_t;\n\n");
}

static void text_env(struct text *t, const struct h5snoop_trace_env *e)
{
	text_printf(t, "env {\n\ttracer_name = \"%s\";\n", H5SNOOP_TRACER_NAME);
	text_printf(t, "\ttrace_format_version = %d;\n",
		    H5SNOOP_TRACE_VERSION);
	text_printf(t, "\th5snoop_version = \"%s\";\n", H5SNOOP_VERSION_STRING);
	text_printf(t, "\thostname = ");
	text_quoted(t, e->hostname);
	text_printf(t, ";\n\tpid = %ld;\n\tppid = %ld;\n\trank = %ld;\n",
		    e->pid, e->ppid, e->rank);
	text_printf(t, "\tcmdline = ");
	text_quoted(t, e->cmdline);
	text_printf(t, ";\n\tlabel = ");
	text_quoted(t, e->label);
	text_printf(t, ";\n\thdf5_version = ");
	text_quoted(t, e->hdf5_version);
	text_printf(t, ";\n\tlibcurl_version = ");
	text_quoted(t, e->curl_version);
	text_printf(t, ";\n};\n\n");
}

static void text_events(struct text *t)
{
#define H5SNOOP_EVENT(id, name, doc)                                     \
	text_printf(t,                                                    \
		    "/* %s */\nevent {\n\tname = \"%s\";\n\tid = %d;\n"   \
		    "\tstream_id = 0;\n\tfields := struct {\n",           \
		    doc, #name, id);
#define H5SNOOP_FIELD(ev, ctype, tsdl, name) \
	text_printf(t, "\t\t%s %s;\n", #tsdl, #name);
#define H5SNOOP_STRING(ev, name) \
	text_printf(t, "\t\tstring { encoding = UTF8; } %s;\n", #name);
#define H5SNOOP_SEQ(ev, ctype, tsdl, count, name) \
	text_printf(t, "\t\t%s %s[%s];\n", #tsdl, #name, #count);
#define H5SNOOP_EVENT_END(id, name) text_printf(t, "\t};\n};\n\n");
#include "h5snoop/trace_schema.def"
}

size_t trace_metadata_format(char *buf, size_t cap,
			     const struct h5snoop_trace_env *env)
{
	struct text t = {buf, cap, 0};

	text_printf(&t, "/* CTF 1.8 */\n\n");
	text_types(&t);
	text_printf(&t, "trace {\n\tmajor = 1;\n\tminor = 8;\n\tuuid = ");
	text_uuid(&t, env->uuid);
	text_printf(&t,
		    ";\n\tbyte_order = le;\n"
		    "\tpacket.header := struct {\n"
		    "\t\tu32 magic;\n\t\tu8 uuid[16];\n\t\tu32 stream_id;\n"
		    "\t};\n};\n\n");
	text_env(&t, env);
	text_printf(&t,
		    "clock {\n\tname = \"monotonic\";\n"
		    "\tdescription = \"CLOCK_MONOTONIC of the traced host\";\n"
		    "\tfreq = 1000000000;\n\tprecision = 1;\n"
		    "\toffset_s = %lld;\n\toffset = %lld;\n"
		    "\tabsolute = false;\n};\n\n",
		    (long long)env->clock_offset_s,
		    (long long)env->clock_offset_ns);
	text_printf(&t,
		    "typealias integer { size = 64; align = 8; "
		    "signed = false; map = clock.monotonic.value; } "
		    ":= u64_clock;\n\n");
	text_printf(&t,
		    "stream {\n\tid = 0;\n"
		    "\tpacket.context := struct {\n"
		    "\t\tu64_clock timestamp_begin;\n"
		    "\t\tu64_clock timestamp_end;\n"
		    "\t\tu64 content_size;\n\t\tu64 packet_size;\n"
		    "\t\tu64 events_discarded;\n\t\tu64 packet_seq_num;\n"
		    "\t\tu32 tid;\n");
#define H5SNOOP_LOSS(id, name, drops, doc) \
	text_printf(&t, "\t\tu64 lost_%s;\n", #name);
#include "h5snoop/trace_schema.def"
	text_printf(&t,
		    "\t};\n"
		    "\tevent.header := struct {\n"
		    "\t\tu8 id;\n\t\tu64_clock timestamp;\n\t};\n};\n\n");
	text_events(&t);
	if (cap > 0)
		buf[t.len < cap ? t.len : cap - 1] = '\0';
	return t.len;
}
