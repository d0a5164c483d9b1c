// SPDX-License-Identifier: GPL-2.0
/*
 * ikt_mapfail: test-only module for the mapfail VM scenario
 * (tests/vm/scenarios/mapfail.sh), built by scripts/build-kernel for the
 * patched kernel. Never part of a product kernel.
 *
 * It makes kimage_map_segment() (patch 0001) return NULL, as a failed
 * vmap() would, so that IMA's execute-time copy takes its -ENOMEM path:
 * a kretprobe replaces the return value. The mapping the real call made
 * is not undone (vunmap() may sleep; the handler runs atomically): a few
 * pages stay mapped in a kernel that is about to be replaced.
 *
 * What the scenario then checks is what patches 0007 and 0010 promise for
 * that path: no kexec_execute record, an error on the console, the next
 * kernel gets the list as of kexec load, and the list is not suspended,
 * neither for the rebooting task nor for the others (no task was left as
 * the one allowed to append). For the last two, a reboot notifier that
 * runs after IMA's (same priority, registered later) measures two
 * critical-data records, label "ikt_mapfail": one from the rebooting task,
 * one from a worker (another task), waited for. Both must reach PCR 10;
 * the host rebuilds them from IKT_MAPFAIL_PAYLOAD_*.
 */
#include <linux/ima.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/reboot.h>
#include <linux/workqueue.h>

/* the payloads the host (tests/vm/ikt.py) rebuilds the records from */
#define IKT_MAPFAIL_PAYLOAD_TASK "measured after the failed copy by the rebooting task"
#define IKT_MAPFAIL_PAYLOAD_OTHER "measured after the failed copy by another task"

static atomic_t ikt_mapfail_hits = ATOMIC_INIT(0);

static int ikt_mapfail_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int n = atomic_inc_return(&ikt_mapfail_hits);

	pr_err("ikt_mapfail: kimage_map_segment call %d: returned %s, made it return NULL\n",
	       n, regs_return_value(regs) ? "a mapping" : "NULL");
	regs_set_return_value(regs, 0);
	return 0;
}

static struct kretprobe ikt_mapfail_rp = {
	.kp.symbol_name = "kimage_map_segment",
	.handler = ikt_mapfail_ret,
	.maxactive = 4,
};

static int ikt_mapfail_measure(const char *who, const char *payload)
{
	int ret = ima_measure_critical_data("ikt_mapfail", "ikt_mapfail",
					    payload, strlen(payload), false,
					    NULL, 0);

	pr_err("ikt_mapfail: measured by %s after IMA's notifier: %d\n", who, ret);
	return ret;
}

static void ikt_mapfail_work_fn(struct work_struct *work)
{
	ikt_mapfail_measure("another task", IKT_MAPFAIL_PAYLOAD_OTHER);
}
static DECLARE_WORK(ikt_mapfail_work, ikt_mapfail_work_fn);

static int ikt_mapfail_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	/* kexec_in_progress is not exported: the scenario only kexecs */
	if (action != SYS_RESTART)
		return NOTIFY_DONE;
	ikt_mapfail_measure("the rebooting task", IKT_MAPFAIL_PAYLOAD_TASK);
	schedule_work(&ikt_mapfail_work);
	flush_work(&ikt_mapfail_work);
	return NOTIFY_DONE;
}

static struct notifier_block ikt_mapfail_nb = {
	.notifier_call = ikt_mapfail_notify,
	.priority = INT_MIN,	/* after IMA's notifier, registered earlier */
};

static int __init ikt_mapfail_init(void)
{
	int ret = register_kretprobe(&ikt_mapfail_rp);

	if (ret) {
		pr_err("ikt_mapfail: cannot probe kimage_map_segment: %d\n", ret);
		return ret;
	}
	ret = register_reboot_notifier(&ikt_mapfail_nb);
	if (ret) {
		unregister_kretprobe(&ikt_mapfail_rp);
		return ret;
	}
	pr_err("ikt_mapfail: armed: kimage_map_segment will return NULL\n");
	return 0;
}

static void __exit ikt_mapfail_exit(void)
{
	unregister_reboot_notifier(&ikt_mapfail_nb);
	unregister_kretprobe(&ikt_mapfail_rp);
}

module_init(ikt_mapfail_init);
module_exit(ikt_mapfail_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("imakexec-trace test: make kimage_map_segment() fail");
