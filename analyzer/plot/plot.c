/*
 * plot.c - the table of the pictures `h5snoop plot` draws (plot.h), and
 * the lines every picture ends with.  Adding a picture is one
 * out_svg_NAME.c defining its struct plot_picture, and a row here.
 *
 * Must never: write trace text unescaped.
 */
#include "plot.h"
#include "svg.h"

const struct plot_picture *const plot_pictures[] = {
	&plot_compare,
	&plot_read_pattern,
	&plot_latency,
	&plot_timeline,
};

const unsigned plot_n_pictures =
	sizeof(plot_pictures) / sizeof(plot_pictures[0]);

unsigned plot_items(const struct report *r, struct plot_item *items)
{
	unsigned n = 0;

	for (unsigned i = 0; i < plot_n_pictures; i++) {
		const struct plot_picture *p = plot_pictures[i];

		for (int l = 0; l < LAYER_COUNT && n < PLOT_MAX_ITEMS; l++) {
			struct plot_item *it = &items[n];

			if (p->per_layer &&
			    !report_layer_shown(r, (enum layer)l))
				continue;
			it->picture = p;
			it->layer = (enum layer)l;
			if (p->per_layer) {
				snprintf(it->file, sizeof(it->file),
					 "%s_%s.svg", p->stem, layer_names[l]);
				snprintf(it->caption, sizeof(it->caption),
					 "%s (%s)", p->caption,
					 l == LAYER_VFD ? "driver reads"
							: "HTTP requests");
			} else {
				snprintf(it->file, sizeof(it->file), "%s.svg",
					 p->stem);
				snprintf(it->caption, sizeof(it->caption),
					 "%s", p->caption);
			}
			n++;
			if (!p->per_layer)
				break;
		}
	}
	return n;
}

static const char *embed_caption(void *ctx, unsigned i)
{
	const struct plot_embed *e = ctx;

	return e->items[i].caption;
}

static enum h5snoop_status embed_draw(void *ctx, unsigned i, FILE *f,
				      const struct report *r,
				      struct h5snoop_error *err)
{
	const struct plot_embed *e = ctx;
	struct plot_page page = {f, r, e->d, e->items[i].layer, 0};

	return e->items[i].picture->draw(&page, err);
}

void plot_embed_init(struct plot_embed *e, const struct report *r,
		     const struct plot_data *d)
{
	e->d = d;
	e->pictures = (struct report_pictures){
		.ctx = e, .n = plot_items(r, e->items),
		.caption = embed_caption, .draw = embed_draw};
}

double plot_left_out(FILE *f, const struct report *r, double y)
{
	char line[256];

	if (!r->agg->left_out)
		return y;
	snprintf(line, sizeof(line),
		 "%u more groups (%llu requests) not shown: these are the "
		 "%u with the most requests; --all draws every group",
		 r->agg->left_out,
		 (unsigned long long)r->agg->left_out_requests, r->n_order);
	svg_text(f, PLOT_WIDTH / 2, y, "middle", 12, line);
	return y + 18;
}

enum h5snoop_status plot_finish(FILE *f, const char *what,
				struct h5snoop_error *err)
{
	svg_end(f);
	if (ferror(f))
		return diag_fail(err, "cannot write the %s plot", what);
	return H5SNOOP_OK;
}
