/*
 * export.h - `h5snoop export`: every event as a row, streamed (nothing
 * is kept per event).  The columns are the events' fields from
 * trace_schema.def (their union, for csv) after a few common ones:
 *
 *   trace,host,pid,tid,label,event,time_unix_ns,ts_ns,layer,flavor,file,
 *   file_driver
 *
 * (file_driver: the driver of the event's file, from attribution; the
 * fields of the .def follow, `timestamp` excepted, as ts_ns has it; with
 * --stacks, function and stack come last.)
 */
#ifndef H5SNOOP_EXPORT_H
#define H5SNOOP_EXPORT_H

#include <stdio.h>

#include "map.h"
#include "run.h"
#include "schema_table.h"

#define EXPORT_MAX_COLUMNS 64

struct exporter;

struct export_columns {
	unsigned n;
	const char *name[EXPORT_MAX_COLUMNS];
	/* field of each event id in each column, or NULL */
	const struct schema_field *field[H5SNOOP_EV_COUNT][EXPORT_MAX_COLUMNS];
};

struct exporter {
	FILE *f;
	const struct export_format *format;
	unsigned layer_mask;
	struct export_columns cols;
	int64_t start_unix_ns;  /* chrome: times are relative to it */
	uint64_t rows;
	long chrome_pid;        /* of the current trace */
	struct map pids;        /* chrome pids in use */
	unsigned char *thread_named; /* chrome: per stream of the trace */
	uint32_t n_threads;
	int stacks;             /* --stacks: function and stack of requests */
};

/*
 * One format of `export --format`: what it writes first, at the start of
 * each trace, for each event of the shown layers, and last (NULL:
 * nothing).  Writes to x->f; a failed write shows in ferror(x->f).
 */
struct export_format {
	const char *name;
	void (*begin)(struct exporter *x);
	void (*trace)(struct exporter *x, const struct trace *t,
		      const struct proc *p);
	void (*row)(struct exporter *x, const struct trace *t,
		    const struct trace_event *ev, const struct resolved *r);
	void (*end)(struct exporter *x);
};

/* The formats (export_csv.c, export_jsonl.c, export_chrome.c). */
extern const struct export_format export_csv, export_jsonl, export_chrome;

/* The format called name; NULL name: the default (csv); NULL if none. */
const struct export_format *export_format_find(const char *name);

/* Builds the union of the schema's fields (once, from the tables). */
void export_columns_init(struct export_columns *c);

/* The sink of an exporter writing format to f; begin writes the header
 * (csv) or the opening (chrome). */
void export_init(struct exporter *x, FILE *f,
		 const struct export_format *format, unsigned layer_mask);
struct run_sink export_sink(struct exporter *x);

/* Writes what ends the output (chrome's closing brackets). */
enum h5snoop_status export_finish(struct exporter *x,
				  struct h5snoop_error *err);
void export_free(struct exporter *x);

/* Writes the value of field fld of ev: CSV (quoted as needed) or JSON
 * (string, number, or array for a sequence). */
void export_value(FILE *f, int json, const struct trace_event *ev,
		  const struct schema_field *fld);

/* Writes ,"flavor":..,"file":..,"file_driver":.. of the attribution. */
void export_attrib_json(FILE *f, const struct resolved *r);

/*
 * With x->stacks, for a request: writes ,"function":..,"stack":.. (the
 * HDF5 API call and the frames, innermost first, as an array, or with
 * array 0 one string joined by " < "; null without a stack).  Nothing
 * for other events or without --stacks.
 */
void export_stack_json(const struct exporter *x, FILE *f,
		       const struct resolved *r, int array);

/* Writes ,function,stack CSV cells, the same way (empty without). */
void export_stack_csv(const struct exporter *x, FILE *f,
		      const struct resolved *r);

/* Writes ,"name":value for every field of ev but the timestamp. */
void export_fields_json(FILE *f, const struct trace_event *ev);

#endif
