/* momentum-console entry point: dispatch to a subcommand or the console. */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	struct rlimit rl = { 0, 0 };
	int rc;

	/* No core dumps: they would hold credentials (auth headers, ~/.aws). */
	setrlimit(RLIMIT_CORE, &rl);
	/* Non-dumpable hides /proc/PID/smaps: benchmarks set the variable. */
	if (getenv("MOMENTUM_ALLOW_CORE") == NULL)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	/* Before any thread exists (DESIGN: curl_global_init once). */
	http_global_init();
	if (argc > 1 && strcmp(argv[1], "aws") == 0)
		rc = cli_aws_main(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "doctor") == 0)
		rc = cli_doctor_main(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "action") == 0)
		rc = cli_action_main(argc - 1, argv + 1);
	else
		rc = console_main(argc, argv);
	http_global_cleanup();
	return rc;
}
