# Guest-side helpers for the imakexec-trace VM scenarios (busybox sh).
# Output protocol: lines "IKT key=value key=value"; values never contain
# spaces. Dumps are "IKT dump=LABEL seq=N b64=..." followed by
# "IKT dumpend=LABEL bytes=N sha256=HEX".
IMA=/sys/kernel/security/ima
TOOL=/bin/imakexec-trace

ikt() { echo "IKT $*"; }

chk() { # chk NAME STATUS DETAIL: a scenario self-check (STATUS 0 = ok)
	if [ "$2" = 0 ]; then ikt check=$1 ok=1 "$3"; else ikt check=$1 ok=0 "$3"; fi
}

jfield() { # jfield KEY: the last integer field KEY of the JSON on stdin
	sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" | tail -n 1
}

ikt_arg() { # ikt_arg NAME DEFAULT: value of ikt.NAME= on the kernel cmdline
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^ikt\.$1=//p" | tail -n1)
	echo "${v:-$2}"
}

ikt_disk() { # ikt_disk DIR: mount the scenario's virtio disk (ext4) on DIR
	if [ -f /lib/modules/ikt/load-order ]; then
		for m in $(cat /lib/modules/ikt/load-order); do
			insmod /lib/modules/ikt/$m.ko 2>/dev/null
		done
	fi
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	mkdir -p "$1"
	if mount -t ext4 /dev/vda "$1"; then
		ikt event=disk dir=$1 ok=1
	else
		ikt error=disk_mount_failed dir=$1
		return 1
	fi
}

ikt_count() { cat $IMA/runtime_measurements_count 2>/dev/null || echo -1; }

ikt_policy() {
	if [ ! -e $IMA/policy ]; then
		ikt error=no_ima_policy_file
		return 1
	fi
	# One write: the policy file accepts a single write per boot.
	# Pseudo filesystems are excluded so reading /proc, /sys and the
	# measurement list itself adds nothing; rootfs (ramfs/tmpfs) is measured.
	if printf '%s\n' \
		"dont_measure fsmagic=0x9fa0" \
		"dont_measure fsmagic=0x62656572" \
		"dont_measure fsmagic=0x64626720" \
		"dont_measure fsmagic=0x73636673" \
		"dont_measure fsmagic=0x74726163" \
		"dont_measure fsmagic=0xcafe4a11" \
		"dont_measure fsmagic=0x1cd1" \
		"measure func=BPRM_CHECK" \
		"measure func=MMAP_CHECK mask=MAY_EXEC" \
		"measure func=FILE_CHECK mask=MAY_READ" \
		"measure func=KEXEC_KERNEL_CHECK" \
		"measure func=KEXEC_INITRAMFS_CHECK" \
		"measure func=KEXEC_CMDLINE" \
		"measure func=CRITICAL_DATA" >$IMA/policy; then
		ikt policy=ok
	else
		ikt policy=failed
	fi
}

ikt_pcrs() { # ikt_pcrs LABEL: all PCRs of both banks, one line per bank
	for bank in sha1 sha256; do
		d=/sys/class/tpm/tpm0/pcr-$bank
		if [ -d $d ]; then
			line=""
			i=0
			while [ $i -lt 24 ]; do
				line="$line $i:$(cat $d/$i)"
				i=$((i + 1))
			done
			ikt pcrs=$1 bank=$bank values=$(echo $line | tr ' ' ',')
		else
			ikt pcrs=$1 bank=$bank values=none
		fi
	done
}

ikt_warm() { # run what ikt_dump runs once, so that in a non-busybox guest
	# their own first measurement lands before a list is read (or a load)
	{ base64 /dev/null | tr -d x | fold -w 8 | wc -c; sha256sum /dev/null | cut -c1; } >/dev/null 2>&1
}

ikt_dump() { # ikt_dump LABEL [FILE]: binary measurement list (or FILE) + count + PCRs
	# No temporary file: a file read on tmpfs would itself be measured.
	# The host checks bytes/sha256/count to catch a list that grew meanwhile.
	# IKT_DUMP_RETRY=1 (a guest whose other processes may measure, such as
	# the systemd one) dumps again, up to 3 times, until the list did not
	# grow between the first read and the PCR read.
	f=${2:-$IMA/binary_runtime_measurements}
	ikt_warm
	try=0
	while :; do
		cnt=$(ikt_count)
		seq=0
		{ base64 "$f" | tr -d '\n' | fold -w 512; echo; } | while read -r chunk; do
			[ -n "$chunk" ] || continue
			echo "IKT dump=$1 seq=$seq b64=$chunk"
			seq=$((seq + 1))
		done
		bytes=$(wc -c <"$f")
		sum=$(sha256sum "$f" | cut -d' ' -f1)
		ikt dumpend=$1 bytes=$bytes sha256=$sum count=$cnt count_after=$(ikt_count)
		ikt_pcrs "$1"
		[ "${IKT_DUMP_RETRY:-0}" = 1 ] && [ -z "$2" ] || break
		[ "$(ikt_count)" = "$cnt" ] && break
		try=$((try + 1))
		[ $try -lt 3 ] || break
	done
}

ikt_mkinitrd() { # the next kernel's initrd: this rootfs minus /boot and pseudo fs
	[ -f /tmp/ikt-initrd.gz ] && return 0
	(cd / && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o \
		-path ./tmp -o -path ./run -o -path ./boot \) -prune -print -o -print |
		grep -v '^\.$' | cpio -o -H newc 2>/dev/null) |
		gzip -1 >/tmp/ikt-initrd.gz
	ikt event=mkinitrd bytes=$(wc -c </tmp/ikt-initrd.gz) count=$(ikt_count)
}

ikt_next_cmdline() { # this command line for the next stage (stage + 1),
	# plus $IKT_NEXT_EXTRA
	tr ' ' '\n' </proc/cmdline | grep -v '^ikt\.stage=' | grep -v '^$' |
		grep -v '^BOOT_IMAGE=' | tr '\n' ' '
	echo "${IKT_NEXT_EXTRA:+$IKT_NEXT_EXTRA }ikt.stage=$(( $(ikt_arg stage 1) + 1 ))"
}

# ikt_load NAME [file|legacy|crash]: load the next kernel; reports the list
# count right after the load (the IMA_KEXEC snapshot point on < 6.16).
ikt_load() {
	mode=${2:-file}
	ikt_mkinitrd
	before=$(ikt_count)
	case $mode in
	file) kexec -s -l /boot/bzImage --initrd=/tmp/ikt-initrd.gz --append="$(ikt_next_cmdline)" >/tmp/kexec.out 2>&1 ;;
	legacy) kexec -c -l /boot/bzImage --initrd=/tmp/ikt-initrd.gz --append="$(ikt_next_cmdline)" >/tmp/kexec.out 2>&1 ;;
	crash) kexec -s -p /boot/bzImage --initrd=/tmp/ikt-initrd.gz --append="$(ikt_next_cmdline) irqpoll nr_cpus=1 reset_devices" >/tmp/kexec.out 2>&1 ;;
	esac
	rc=$?
	ikt event=load name=$1 mode=$mode rc=$rc before=$before count=$(ikt_count) loaded=$(cat /sys/kernel/kexec_loaded 2>/dev/null) crash_loaded=$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)
	if [ $rc != 0 ]; then
		sed 's/^/IKT kexec_msg=/; s/ /_/g' /tmp/kexec.out | head -n 5
	fi
	return $rc
}

ikt_unload() {
	before=$(ikt_count)
	kexec -s -u >/tmp/kexec.out 2>&1
	rc=$?
	ikt event=unload rc=$rc before=$before count=$(ikt_count) loaded=$(cat /sys/kernel/kexec_loaded 2>/dev/null)
}

ikt_measure() { # ikt_measure N TAG: N new, distinct files, each read once
	before=$(ikt_count)
	i=0
	while [ $i -lt $1 ]; do
		echo "ikt $2 $i $(cat /proc/sys/kernel/random/uuid)" >/tmp/m-$2-$i
		i=$((i + 1))
	done
	i=0
	while [ $i -lt $1 ]; do
		cat /tmp/m-$2-$i >/dev/null
		i=$((i + 1))
	done
	ikt event=measure tag=$2 n=$1 before=$before count=$(ikt_count)
}

ikt_track() { # attach before anything is loaded, so ikt_execute can audit
	[ -x "$TOOL" ] || { ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"; ikt_finish; }
	"$TOOL" attach >/tmp/attach.out 2>&1
	ikt tool=attach rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/attach.out | grep -v "_keeping_it" | head -n 3
}

ikt_audit() { # ikt_audit [ARG...]: audit --json [ARG...] when tracking
	# (nothing it does is measured; e.g. --save FILE writes only)
	[ -x "$TOOL" ] && [ -d /sys/fs/bpf/imakexec ] || return 0
	out=$("$TOOL" audit --json "$@" 2>/dev/null)
	ikt tool=audit rc=$?
	ikt audit_json=$(printf '%s' "$out" | base64 | tr -d '\n')
}

ikt_record_bytes() { # bytes of the binary record of the ima-buf ascii line
	# on stdin, "PCR TDIGEST ima-buf ALGO:DIGEST NAME BUFHEX": pcr, template
	# digest, template name, then the d-ng ("ALGO:\0" digest), n-ng (NAME\0)
	# and buf fields, each with its 4-byte length
	awk '{ split($4, a, ":")
		t = 4 + length(a[1]) + 2 + length(a[2]) / 2 + 4 + length($5) + 1 + 4 + length($6) / 2
		print 4 + 20 + 4 + length($3) + 4 + t }'
}

ikt_kexec_load_line() { # the last ascii record if it is a kexec_load
	# record (right after a load), else print nothing and fail
	last=$(tail -n 1 $IMA/ascii_runtime_measurements)
	[ "$(echo "$last" | awk '{ print $3 " " $5 }')" = "ima-buf kexec_load" ] || return 1
	echo "$last"
}

ikt_payload_field() { # ikt_payload_field NAME: field NAME of the payload
	# (hex buf) of the ima-buf ascii line on stdin, e.g. kexec_segment_size
	awk -v k="$1" '{ h = "0123456789abcdef"; s = ""
		for (i = 1; i < length($6); i += 2)
			s = s sprintf("%c", (index(h, substr($6, i, 1)) - 1) * 16 + index(h, substr($6, i + 1, 1)) - 1)
		n = split(s, kv, ";"); for (j = 1; j <= n; j++) { split(kv[j], p, "="); if (p[1] == k) print p[2] } }'
}

ikt_tpmhog() { # keep the TPM busy until killed: one RSA-2048 primary key
	# (TPM2_CreatePrimary under the owner hierarchy, empty password) after
	# the other through the resource manager, whose close flushes it; an
	# IMA extend meanwhile waits for the chip, its append in flight
	while :; do
		exec 3<>/dev/tpmrm0 || return 1
		printf '\200\002\000\000\000\103\000\000\001\061\100\000\000\001\000\000\000\011\100\000\000\011\000\000\000\000\000\000\004\000\000\000\000\000\032\000\001\000\013\000\003\000\162\000\000\000\006\000\200\000\103\000\020\010\000\000\000\000\000\000\000\000\000\000\000\000\000' >&3
		dd bs=4096 count=1 <&3 2>/dev/null | wc -c >/tmp/tpmhog.last
		exec 3>&-
	done
}

ikt_storm() { # ikt_storm PATH_PREFIX TAG: new files (PATH_PREFIX<i>), each
	# written, read (one measurement) and removed, until killed
	i=0
	while :; do
		echo "storm $2 $i" >"$1$i"
		cat "$1$i" >/dev/null
		rm -f "$1$i"
		i=$((i + 1))
	done
}

ikt_execute() { # audit, dump the list as it is right before kexec -e, execute
	ikt_audit
	ikt_kexec_e
}

ikt_kexec_e() { # dump the list as it is right before kexec -e, execute
	ikt_dump s1
	ikt event=execute count=$(ikt_count)
	sync
	kexec -e >/tmp/kexec.out 2>&1
	ikt error=kexec_e_returned rc=$?
	sed 's/^/IKT kexec_msg=/; s/ /_/g' /tmp/kexec.out | head -n 5
	ikt_finish
}

ikt_hook_execute() { # dump, then execute through the system-shutdown hook
	# `make install` ships, run as systemd-shutdown runs it ("kexec");
	# IKT_DUMPED=1: the scenario dumped s1 itself (nothing measured since)
	[ "${IKT_DUMPED:-0}" = 1 ] || ikt_dump s1
	ikt event=execute count=$(ikt_count)
	sync
	/usr/lib/systemd/system-shutdown/imakexec-trace kexec >/tmp/exec.out 2>&1
	ikt error=exec_returned rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/exec.out | head -n 5
	ikt_finish
}

# ikt_test_module NAME: the test-only module kernel/test/NAME.ko (built by
# scripts/build-kernel patched, in /lib/modules/ikt) or a skip
ikt_test_module() {
	[ -f /lib/modules/ikt/$1.ko ] && return 0
	ikt "skip=no_test_module_$1(only_scripts/build-kernel_patched_builds_it)"
	ikt_finish
}
# ikt_insmod NAME [PARAM...]: load it, or stop with its error
ikt_insmod() {
	m=$1
	shift
	insmod /lib/modules/ikt/$m.ko "$@" >/tmp/insmod.out 2>&1 && return 0
	ikt error=insmod_${m}_failed
	sed 's/^/IKT insmod_msg=/; s/ /_/g' /tmp/insmod.out | head -n 3
	ikt_finish
}
ikt_finish() {
	ikt done=1
	sync
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}

ikt_main() {
	stage=$(ikt_arg stage 1)
	scenario=$(ikt_arg scenario none)
	ikt stage=$stage scenario=$scenario kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)
	ikt lsm=$(cat /sys/kernel/security/lsm 2>/dev/null | tr ',' '+') tpm=$([ -e /dev/tpm0 ] && echo yes || echo no) btf=$([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no) tool=$([ -x $TOOL ] && echo yes || echo no)
	if [ "$stage" = 1 ]; then
		ikt_policy
	fi
	ikt count_at_start=$(ikt_count)
	if [ ! -f /ikt/scenarios/$scenario.sh ]; then
		ikt error=no_such_scenario name=$scenario
		ikt_finish
	fi
	. /ikt/scenarios/$scenario.sh
	if [ "$stage" = 1 ]; then
		stage1
		# a scenario judged only by its own "IKT check=" lines (e.g. a
		# list too long to dump over the serial line) sets IKT_SELFCHECK=1
		if [ "${IKT_SELFCHECK:-0}" = 1 ]; then
			ikt selfcheck=1 count=$(ikt_count)
			ikt_finish
		fi
		# a scenario without kexec ends here
		ikt_dump s1
		ikt_finish
	else
		# stage N (a kexec chain has more than two): the list as this
		# kernel booted with it, then the scenario's stageN (or, for
		# every later boot of a chain, stage_next)
		# (IKT_NODUMP=1: a list too long for the serial line)
		[ "${IKT_NODUMP:-0}" = 1 ] || ikt_dump "s$stage"
		if type "stage$stage" >/dev/null 2>&1; then "stage$stage"
		elif type stage_next >/dev/null 2>&1; then stage_next; fi
		ikt_finish
	fi
}
