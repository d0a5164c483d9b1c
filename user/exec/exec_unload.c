// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exec --unload-on-failure (the systemd-shutdown hook's default): exec
 * returned, so no kexec happened; unload the image so that the `kexec -e`
 * systemd-shutdown runs right after fails and systemd reboots fully. That
 * keeps the hook fail-closed when the guard is not there to refuse (attach
 * failed at boot, someone ran detach) or exec stopped on an error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <sys/syscall.h>
#include "errors.h"
#include "exec.h"
#include "exitcodes.h"
#include "sysfs.h"

static int still_loaded(const struct ikt_env *env)
{
	char p[PATH_MAX];
	uint64_t v = 1;

	ikt_sys_path(env, "/sys/kernel/kexec_loaded", p, sizeof(p));
	return ikt_read_u64(p, &v) ? -1 : v != 0;
}

int exec_unload_image(const struct ikt_env *env)
{
	int loaded = still_loaded(env), e1 = 0, e2 = 0;

	if (loaded == 0) {
		p_info("no kexec image loaded: systemd's own kexec fails and it reboots fully");
		return 0;
	}
	/* either syscall unloads the normal image, whichever way it was
	 * loaded; kexec_load is refused under lockdown, kexec_file_load
	 * may be absent */
	if (syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, (unsigned long)KEXEC_FILE_UNLOAD))
		e1 = errno;
	if (still_loaded(env) != 0 && syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL))
		e2 = errno;
	if (still_loaded(env) == 0) {
		p_info("unloaded the kexec image: systemd's own kexec fails and it reboots "
		       "fully, which keeps the next log replayable (IMAKEXEC_FAIL_OPEN=yes in "
		       "/etc/default/imakexec-trace keeps it loaded)");
		return 0;
	}
	/* systemd-shutdown has synced and unmounted or remounted read-only
	 * before its hooks: rebooting here is what it would do next */
	p_err("cannot unload the kexec image (kexec_file_load: %s, kexec_load: %s); "
	      "rebooting fully now rather than let an unjudged kexec run",
	      e1 ? strerror(e1) : "ok", e2 ? strerror(e2) : "ok");
	sync();
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_RESTART, NULL);
	p_err("reboot failed: %s", strerror(errno));
	return IKT_EXIT_ERROR;
}
