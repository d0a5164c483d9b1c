# IKT-EXPECT: full unknown
# kexecevents (patched kernel only; SKIP unless --expect full|unknown):
# load -> N measurements -> execute. Every stage-1 entry must cross, followed
# by the ima_kexec critical-data record kexec_execute; the kexec_load record
# sits where the load happened. The host checks both payloads against their
# position (count = entries before, ima_binary_runtime_size = their
# serialized size + 24-byte header) and the segment size against the 64 KiB
# default margin. Also reports whether ima_kexec_execute_copy is in BTF and
# ftrace-able. N comes from ikt.n= (default 8).
stage1() {
	ikt probe=execute_copy ftrace_hits=$(grep -c '^ima_kexec_execute_copy$' /sys/kernel/tracing/available_filter_functions 2>/dev/null) btf_hits=$(grep -c ima_kexec_execute_copy /sys/kernel/btf/vmlinux 2>/dev/null)
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 8)" kev
	ikt_execute
}
