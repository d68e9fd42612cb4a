/*
 * User memory access by page-table walk (see include/kernel/uaccess.h).
 */
#include "kernel/uaccess.h"

#include "kernel/arch.h"
#include "kernel/mem.h"
#include "lib/string.h"

bool uaccess_copy_in(uint64_t vspace, void *dst, uint64_t src, size_t len)
{
	uint8_t *out = dst;

	if (src >= USER_ADDR_LIMIT || len > USER_ADDR_LIMIT - src)
		return false;
	while (len > 0) {
		uint64_t pa, chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));

		if (chunk > len)
			chunk = len;
		/* Device memory mapped to the user is not in the kernel's
		 * direct map: refuse it rather than fault on it. */
		if (!arch_vm_user_lookup(vspace, src, false, &pa) ||
		    !mem_is_direct_mapped(pa, chunk))
			return false;
		memcpy(out, phys_to_virt(pa), chunk);
		out += chunk;
		src += chunk;
		len -= chunk;
	}
	return true;
}
