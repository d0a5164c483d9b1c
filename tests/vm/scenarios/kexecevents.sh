# IKT-EXPECT: full unknown
# kexecevents (patched kernel only; SKIP unless --expect full|unknown):
# load -> N measurements -> execute. Every stage-1 entry must cross, followed
# by the ima_kexec critical-data record kexec_execute; the kexec_load record
# sits where the load happened. The host checks both payloads against their
# position (count = entries before, ima_binary_runtime_size = their
# serialized size + 24-byte header) and the segment size against the margin
# the kernel's config sets (CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB). Also reports
# whether the execute-time copy (ours: ima_kexec_execute_copy; upstream's
# reboot notifier: ima_update_kexec_buffer) is in BTF and ftrace-able. N
# comes from ikt.n= (default 8).
stage1() {
	ikt probe=execute_copy ftrace_hits=$(grep -cE '^(ima_kexec_execute_copy|ima_update_kexec_buffer)$' /sys/kernel/tracing/available_filter_functions 2>/dev/null) btf_hits=$(grep -cE 'ima_kexec_execute_copy|ima_update_kexec_buffer' /sys/kernel/btf/vmlinux 2>/dev/null)
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 8)" kev
	ikt_execute
}
