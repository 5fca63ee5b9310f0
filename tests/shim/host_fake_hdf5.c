/*
 * host_fake_hdf5.c - registers a driver with fake_hdf5 (which says
 * whether it received this very class or a copy).
 */
#include <stdint.h>
#include <stdio.h>

int64_t H5FDregister(const void *cls);
extern const void *fake_program_class;

static struct {
	unsigned version;
	int value;
	const char *name;
	char rest[512];
} cls = {1, 600, "fake_driver", {0}};

int main(void)
{
	fake_program_class = &cls;
	H5FDregister(&cls);
	return 0;
}
