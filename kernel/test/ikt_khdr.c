// SPDX-License-Identifier: GPL-2.0
/*
 * ikt_khdr: test-only module for the restorehdr VM scenario
 * (tests/vm/scenarios/restorehdr.sh), built by scripts/build-kernel for the
 * patched kernel. Never part of a product kernel.
 *
 * It hands the next kernel a corrupted IMA kexec buffer header: a reboot
 * notifier registered after IMA's (same priority INT_MIN, so it runs after
 * IMA's execute-time copy) finds the source page that backs the first page
 * of the loaded image's IMA segment and sets the header's buffer_size to
 * the segment size + grow bytes, i.e. beyond the buffer the next kernel is
 * told about. The next kernel must refuse the list and boot.
 *
 * kexec_image is not exported: its address comes from /proc/kallsyms
 * (parameter kexec_image_addr).
 */
#include <linux/highmem.h>
#include <linux/kexec.h>
#include <linux/module.h>
#include <linux/reboot.h>

static unsigned long kexec_image_addr;
module_param(kexec_image_addr, ulong, 0400);
MODULE_PARM_DESC(kexec_image_addr, "address of kexec_image (/proc/kallsyms)");

static unsigned long grow = 4096;
module_param(grow, ulong, 0400);
MODULE_PARM_DESC(grow, "bytes buffer_size claims beyond the segment");

/* struct ima_kexec_hdr (security/integrity/ima/ima.h) */
struct ikt_khdr {
	u16 version;
	u16 _reserved0;
	u32 _reserved1;
	u64 buffer_size;
	u64 count;
};

static int ikt_khdr_notify(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	kimage_entry_t *ptr, entry;
	unsigned long dest = 0;
	struct kimage *image;
	struct ikt_khdr *h;

	/* kexec_in_progress is not exported: any restart with an image */
	if (action != SYS_RESTART)
		return NOTIFY_DONE;
	image = *(struct kimage **)kexec_image_addr;
	if (!image || !image->ima_buffer_size) {
		pr_err("ikt_khdr: the image has no IMA segment\n");
		return NOTIFY_DONE;
	}
	/* the walk of kexec_core.c's for_each_kimage_entry() */
	for (ptr = &image->head; (entry = *ptr) && !(entry & IND_DONE);
	     ptr = (entry & IND_INDIRECTION) ?
		   boot_phys_to_virt(entry & PAGE_MASK) : ptr + 1) {
		if (entry & IND_DESTINATION) {
			dest = entry & PAGE_MASK;
		} else if (entry & IND_SOURCE) {
			if (dest == image->ima_buffer_addr) {
				h = kmap_local_page(boot_pfn_to_page(entry >> PAGE_SHIFT));
				pr_err("ikt_khdr: header version %u count %llu buffer_size %llu -> %llu (segment %zu)\n",
					h->version, h->count, h->buffer_size,
					(u64)(image->ima_buffer_size + grow),
					image->ima_buffer_size);
				h->buffer_size = image->ima_buffer_size + grow;
				kunmap_local(h);
				return NOTIFY_DONE;
			}
			dest += PAGE_SIZE;
		}
	}
	pr_err("ikt_khdr: no source page for the IMA segment at 0x%llx\n",
	       (unsigned long long)image->ima_buffer_addr);
	return NOTIFY_DONE;
}

static struct notifier_block ikt_khdr_nb = {
	.notifier_call = ikt_khdr_notify,
	.priority = INT_MIN,	/* after IMA's notifier, registered earlier */
};

static int __init ikt_khdr_init(void)
{
	if (!kexec_image_addr)
		return -EINVAL;
	return register_reboot_notifier(&ikt_khdr_nb);
}

static void __exit ikt_khdr_exit(void)
{
	unregister_reboot_notifier(&ikt_khdr_nb);
}

module_init(ikt_khdr_init);
module_exit(ikt_khdr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("imakexec-trace test: corrupt the IMA kexec buffer header");
