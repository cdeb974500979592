/* tugctl: the Tugboat CLI (placeholder until the subcommands land). */
#include <stdio.h>

int main(void)
{
	puts("tugctl " TB_VERSION);
	return 0;
}
