/* momentum-sim entry point. */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "momentum-sim: not yet implemented\n");
	return 1;
}
