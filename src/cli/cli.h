/* Subcommands of momentum-console: each is a main() of its own. */
#ifndef MOMENTUM_CLI_H
#define MOMENTUM_CLI_H

/* momentum-console aws <service> <Operation> ['<json>'] (src/cli/aws_cmd.c) */
int cli_aws_main(int argc, char **argv);
/* momentum-console doctor (src/cli/doctor.c) */
int cli_doctor_main(int argc, char **argv);
/* momentum-console action ... (src/cli/action_cmd.c) */
int cli_action_main(int argc, char **argv);
/* The interactive console (ui/console.c); argv as given to main. */
int console_main(int argc, char **argv);

#endif
