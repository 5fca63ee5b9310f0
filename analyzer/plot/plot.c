/*
 * plot.c - the table of the pictures `h5snoop plot` draws (plot.h).
 * Adding a picture is one out_svg_NAME.c defining its struct
 * plot_picture, and a row here.
 *
 * Must never: draw (the pictures' files do).
 */
#include "plot.h"

const struct plot_picture *const plot_pictures[] = {
	&plot_read_pattern,
	&plot_latency,
	&plot_time,
	&plot_timeline,
};

const unsigned plot_n_pictures =
	sizeof(plot_pictures) / sizeof(plot_pictures[0]);
