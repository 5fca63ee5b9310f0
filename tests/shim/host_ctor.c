/*
 * host_ctor.c - prints what ctor_lib's constructor fetched before main().
 */
#include <stdio.h>

extern long ctor_bytes;

int main(void)
{
	printf("ctor_bytes=%ld\n", ctor_bytes);
	return ctor_bytes == 64 ? 0 : 1;
}
