/*
 * test_aggregate.c - bins, attribution and statistics on a trace whose
 * every request is known: bin edges, http requests tied to their vfd
 * reads (bytes asked counted once), reads served by the driver's cache,
 * HEAD and failures not binned, groups by flavor and by driver, metadata
 * vs raw data.
 */
#include "aggregate.h"
#include "analysis.h"
#include "trace_gen.h"
#include "unit.h"

static char root[4096];

static void write_trace(void)
{
	static const uint64_t sizes[] = {1023, 1024, 10239, 10240,
					 102399, 102400, 5000000};
	struct h5snoop_trace_env env;
	struct trace_stream s;
	struct tgen g;
	struct tgen_http h = {.status = 206, .method = "GET"};
	uint64_t ts = 1000;

	tgen_default_env(&env, 10, NULL);
	CHECK(tgen_create(&g, root, "p10", &env) == 0);
	CHECK(tgen_stream(&g, &s, 10, 4096) == 0);
	/* ROS3: open with a HEAD inside (read_seq 0), then reads. */
	CHECK(tgen_file_open(&s, ts, 1, 9000000, 100, "ros3",
			     "http://h/dir/ATL_orig.h5") == 0);
	h.url = "http://h/dir/ATL_orig.h5";
	h.method = "HEAD";
	h.range_start = h.range_end = -1;
	h.status = 200;
	h.duration_ns = 7;
	CHECK(tgen_http_request(&s, ts + 1, &h) == 0);
	h.method = "GET";
	h.status = 206;
	for (unsigned i = 0; i < 7; i++) {
		ts += 1000;
		CHECK(tgen_vfd_read(&s, ts, i + 1, 1, i < 2 ? 1 : 3, 0,
				    sizes[i], 100 + i) == 0);
		h.read_seq = i + 1;
		h.range_start = 0;
		h.range_end = (int64_t)sizes[i] - 1;
		h.bytes = sizes[i];
		h.duration_ns = 90 + i;
		/* The last read needs two requests (5 MB in two halves). */
		if (i == 6) {
			h.range_end = 2499999;
			h.bytes = 2500000;
			CHECK(tgen_http_request(&s, ts + 1, &h) == 0);
			h.range_start = 2500000;
			h.range_end = 4999999;
		}
		CHECK(tgen_http_request(&s, ts + 2, &h) == 0);
	}
	/* Two reads served from the driver's cache: no request of their
	 * own. */
	for (unsigned i = 7; i < 9; i++) {
		ts += 1000;
		CHECK(tgen_vfd_read(&s, ts, i + 1, 1, 3, 0, 4096, 5) == 0);
	}
	/* A failed request: 404, not binned. */
	h.read_seq = 99;
	h.status = 404;
	h.bytes = 150;
	CHECK(tgen_http_request(&s, ts + 500, &h) == 0);
	trace_stream_close(&s);
	tgen_close(&g);

	/* A second process: a local file through sec2. */
	tgen_default_env(&env, 11, NULL);
	CHECK(tgen_create(&g, root, "p11", &env) == 0);
	CHECK(tgen_stream(&g, &s, 11, 4096) == 0);
	CHECK(tgen_file_open(&s, 5000, 3, 100, 10, "sec2",
			     "/data/ATL_page.h5") == 0);
	CHECK(tgen_vfd_read(&s, 6000, 1, 3, 6, 0, 512, 1000) == 0);
	trace_stream_close(&s);
	tgen_close(&g);
}

int main(void)
{
	char *args[1] = {root};
	struct h5snoop_cli_config cfg = {0};
	struct h5snoop_error err = {0};
	struct analysis an;
	struct run_sink sink;
	const struct agg_layer *vfd, *http;
	char b[64];
	long orig, page;

	unit_tmpdir(root, sizeof(root));
	write_trace();

	/* Bin edges. */
	CHECK_EQ_U64(agg_bin_of(0), 0);
	CHECK_EQ_U64(agg_bin_of(1023), 0);
	CHECK_EQ_U64(agg_bin_of(1024), 1);
	CHECK_EQ_U64(agg_bin_of(10239), 1);
	CHECK_EQ_U64(agg_bin_of(10240), 2);
	CHECK_EQ_U64(agg_bin_of(102399), 2);
	CHECK_EQ_U64(agg_bin_of(102400), 3);
	CHECK_STR(group_stem(b, sizeof(b), "http://h:8/d/A_b.h5?x=1#f"),
		  "A_b");
	CHECK_STR(group_stem(b, sizeof(b), "/data/ATL06_page_8mb.h5"),
		  "ATL06_page_8mb");
	CHECK_STR(group_stem(b, sizeof(b), "plain"), "plain");
	CHECK_STR(group_stem(b, sizeof(b), "http://host"), "");

	cfg.by[0] = GROUP_BY_FLAVOR;
	cfg.n_by = 1;
	cfg.layer_mask = 3;
	cfg.traces = args;
	cfg.n_traces = 1;
	analysis_init(&an, &cfg);
	sink = analysis_agg_sink(&an);
	CHECK(analysis_run(&an, &cfg, &sink, 1, &err) == H5SNOOP_OK);
	CHECK_STR(err.message, "");
	CHECK_EQ_U64(an.summary.traces, 2);
	orig = group_table_find(&an.groups, "ATL_orig");
	page = group_table_find(&an.groups, "ATL_page");
	CHECK(orig == 0 && page == 1);
	vfd = &an.agg.g[orig]->layer[LAYER_VFD];
	http = &an.agg.g[orig]->layer[LAYER_HTTP];
	CHECK_EQ_U64(vfd->row[0].requests, 1);
	CHECK_EQ_U64(vfd->row[1].requests, 4);
	CHECK_EQ_U64(vfd->row[2].requests, 2);
	CHECK_EQ_U64(vfd->row[3].requests, 2);
	CHECK_EQ_U64(vfd->row[AGG_ROW_ALL].requests, 9);
	CHECK_EQ_U64(vfd->row[3].bytes, 102400 + 5000000);
	CHECK_EQ_U64(vfd->row[0].latency.max, 100);
	CHECK_EQ_U64(vfd->mem[1].requests, 2); /* super */
	CHECK_EQ_U64(vfd->mem[3].requests, 7); /* draw */
	CHECK_EQ_U64(http->row[AGG_ROW_NOBODY].requests, 2); /* HEAD, 404 */
	CHECK_EQ_U64(http->row[3].requests, 3);
	CHECK_EQ_U64(http->row[AGG_ROW_ALL].requests, 10);
	CHECK_EQ_U64(http->http_errors, 1);
	CHECK_EQ_U64(http->failed, 1);
	CHECK_EQ_U64(http->bytes_fetched,
		     1023 + 1024 + 10239 + 10240 + 102399 + 102400 +
			     5000000 + 150);
	/* Asked: every read once, though one made two requests and two
	 * none. */
	CHECK_EQ_U64(http->bytes_asked, 1023 + 1024 + 10239 + 10240 + 102399 +
						 102400 + 5000000 + 2 * 4096);
	/* 7 reads made the 8 requests inside reads; the HEAD at open and
	 * the 404 of an unknown read were made outside them. */
	CHECK_EQ_U64(http->reads_fetching, 7);
	CHECK_EQ_U64(agg_served_by_driver(an.agg.g[orig]), 2);
	CHECK_EQ_U64(http->in_reads, 8);
	CHECK_EQ_U64(an.agg.g[orig]->file_size, 9000000);
	CHECK_EQ_U64(an.agg.g[page]->layer[LAYER_VFD].row[0].requests, 1);
	CHECK_EQ_U64(an.agg.g[page]->layer[LAYER_HTTP].row[AGG_ROW_ALL]
			     .requests,
		     0);
	analysis_free(&an);

	/* By driver: ros3 and sec2. */
	cfg.by[0] = GROUP_BY_DRIVER;
	analysis_init(&an, &cfg);
	sink = analysis_agg_sink(&an);
	CHECK(analysis_run(&an, &cfg, &sink, 1, &err) == H5SNOOP_OK);
	CHECK(group_table_find(&an.groups, "ros3") >= 0);
	CHECK(group_table_find(&an.groups, "sec2") >= 0);
	analysis_free(&an);
	if (!unit_failures)
		unit_rmtree(root);
	return unit_done("test_aggregate");
}
