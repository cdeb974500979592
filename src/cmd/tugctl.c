/* tugctl: the Tugboat CLI. This file only dispatches to subcommands; each
 * lives in its own tugctl_<name>.c. */
#include "cmd/cli.h"
#include "cmd/tugctl_client.h"

#include <stdio.h>
#include <string.h>

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("tugctl version %s\n", TB_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct tb_cli_cmd commands[] = {
	{ "validate", tb_cmd_validate,
	  "Decode, default and validate manifests (-f FILE|DIR|-), offline" },
	{ "schedule", tb_cmd_schedule,
	  "Show where the scheduler would place a binding (-f FILE), offline" },
	{ "sim", tb_cmd_sim,
	  "Simulate failovers on a virtual clock (-f SCENARIO), with invariants" },
	{ "join", tb_cmd_join,
	  "Register a member cluster from its kubeconfig (NAME --cluster-kubeconfig FILE)" },
	{ "unjoin", tb_cmd_unjoin, "Remove a member cluster and its credentials (NAME)" },
	{ "cordon", tb_cmd_cordon, "Mark a member cluster unschedulable (NAME)" },
	{ "uncordon", tb_cmd_uncordon, "Mark a member cluster schedulable again (NAME)" },
	{ "drain", tb_cmd_drain,
	  "Move every workload off a member cluster, without loss of service (NAME)" },
	{ "version", cmd_version, "Print the version" },
	{ "help", cmd_help, "Show this help" },
	{ NULL, NULL, NULL }
};

static int cmd_help(int argc, char **argv)
{
	const struct tb_cli_cmd *c;

	(void)argc;
	(void)argv;
	printf("tugctl controls a Tugboat multi-cluster control plane.\n\n"
	       "Usage: tugctl <command> [flags]\n\nCommands:\n");
	for (c = commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nRun 'tugctl <command> --help' for a command's flags.\n");
	return 0;
}

int main(int argc, char **argv)
{
	const struct tb_cli_cmd *c;

	if (argc < 2) {
		cmd_help(argc, argv);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc, argv);
	for (c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "tugctl: unknown command \"%s\"\nRun 'tugctl help' for usage.\n",
		argv[1]);
	return 2;
}
