/* Sparklines on screen: one row of ▁▂▃▄▅▆▇█ for a metric series. */
#include <stdlib.h>

#include "ui/format.h"
#include "ui/ui.h"

void
ui_sparkline(struct ui *ui, int y, int x, int w, enum ui_color c,
             const struct series *s, double max)
{
	char *line;

	if (w <= 0 || s == NULL || s->v == NULL)
		return;
	line =
	    sparkline(s->v, s->n, spark_floor(s->v, s->n), max, w, ui->ascii);
	ui_put(ui, y, x, w, c, line);
	free(line);
}
