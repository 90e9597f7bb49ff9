/* momentum-console entry point. */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("momentum-console %s\n", MOMENTUM_VERSION);
		return 0;
	}
	fprintf(stderr, "momentum-console: not yet implemented\n");
	return 1;
}
