# IKT-COST: 220
# IKT-CHECK-KERNELS: stock
# IKT-RUNVM: --no-tpm --mem 2048 --timeout 900
# burst: 100,000 measurements in one burst with `monitor --json` running on
# the ring in force (default 256 KiB), then monitors killed or stalled in the middle of
# more bursts. No TPM (IMA appends in TPM-bypass mode: the bursts are not
# bounded by TPM commands) and no list dump (too long for the serial line):
# judged by its own checks.
#  - counts exact: status ima_count == runtime_measurements_count after
#    each phase
#  - nothing silent: events the monitor received + ring drops == entries
#    appended (the monitor is the only consumer), and every drop was
#    announced in the stream by a "drops" record
#  - SIGKILL mid-burst: counts still exact; a new monitor resumes on the
#    pinned ring; the stream loses at most what the killed process had
#    consumed but not yet written (its stdio buffer), shown by the gap in seq,
#    and may repeat the one record the killed process was writing
#  - a stalled monitor (SIGSTOP) during a burst: the ring overflows, the
#    drops are counted, announced in the stream once it runs again, and
#    received + drops == appended still holds. The burst is sized from the
#    ring in force (status --json ringbuf_size, checked against the
#    kernel's fdinfo of the monitor's ring map, over ringbuf_record_size):
#    capacity + ikt.burst3_over= (default 1000) entries, or ikt.burst3=;
#    the host judges that it exceeded the capacity, that the stalled ring
#    took exactly its capacity and dropped the rest (event=ringstall)
#  - ikt.ringkb= attaches with --ringbuf-kb (default: the tool's default)
#  - audit on that long list with an image loaded: the human output (first
#    50 entries) and --json (all) agree on exit code and entries at risk
# Reading the monitors' output files (tmpfs) is itself measured, so each
# phase's baseline is taken right after its previous monitor drained the
# ring and exited (mark), before anything reads a file.
IKT_SELFCHECK=1
N=$(ikt_arg burst 100000)
N2=$(ikt_arg burst2 20000)
RINGKB=$(ikt_arg ringkb "")

status_field() { "$TOOL" status --json 2>/dev/null | jfield "$1"; }

counts_exact() { # counts_exact NAME: the tool's counts == this script's own read
	st=$("$TOOL" status --json 2>/dev/null)
	g=$(ikt_count)
	c=$(printf '%s' "$st" | jfield ima_count)
	k=$(printf '%s' "$st" | jfield kernel_count)
	[ -n "$c" ] && [ "$c" = "$g" ] && [ "$k" = "$g" ]
	chk "$1" $? "tracker=$c bpf_kernel_count=$k guest=$g"
}

# mark: appended/drops right after a monitor drained the ring and exited,
# and the guest's own count (G): the tracker's appended counter must move
# exactly as the kernel's list does
mark() { A=$(status_field appended_since_attach); D=$(status_field ringbuf_drops); G=$(ikt_count); }
summary_field() { grep '"type":"summary"' "$1" | jfield "$2"; }
announced() { # drops announced in the stream of monitor output $1
	sed -n 's/.*"type":"drops".*"count":\([0-9]*\).*/\1/p' "$1" | awk '{s+=$1} END {print s+0}'
}

stage1() {
	if [ ! -x "$TOOL" ] || ! command -v ikt-burst >/dev/null; then
		ikt "skip=imakexec-trace_or_ikt-burst_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach ${RINGKB:+--ringbuf-kb $RINGKB} >/dev/null 2>&1 || { chk attach 1 "attach failed"; return; }
	mark

	# 1. one burst of N with the monitor consuming
	"$TOOL" monitor --json >/tmp/m1.json 2>/tmp/m1.err &
	mon=$!
	sleep 1
	out=$(ikt-burst write "$N" /tmp/b1); chk burst1_ran $? "n=$N"
	echo "$out"
	kill -INT $mon
	wait $mon; rc=$?
	a0=$A d0=$D g0=$G; mark
	counts_exact count_exact_after_burst
	[ $((A - a0)) = $((G - g0)) ]; chk appended_is_list_growth $? "appended=$((A - a0)) list_grew=$((G - g0))"
	added=$(echo "$out" | sed -n 's/.* before=\([0-9]*\) after=\([0-9]*\).*/\2 \1/p' | awk '{print $1-$2}')
	[ "$added" = "$N" ]; chk burst_appended $? "n=$N added=$added"
	got=$(summary_field /tmp/m1.json measurements)
	drops=$(summary_field /tmp/m1.json ringbuf_drops)
	[ $rc = 0 ] && [ -n "$got" ] && [ $((got + D - d0)) = $((A - a0)) ]
	chk stream_accounted $? "received=$got drops=$((D - d0)) appended=$((A - a0)) monitor_rc=$rc"
	[ "$(announced /tmp/m1.json)" = "$drops" ]; chk drops_announced $? "drops=$drops in_stream=$(announced /tmp/m1.json)"
	ikt event=burst n=$N received=$got drops=$drops $(echo "$out" | sed -n 's/.*\(ns=[0-9]*\).*\(per_s=[0-9]*\).*/\1 \2/p')

	# 2. SIGKILL the monitor in the middle of a second burst, start another
	"$TOOL" monitor --json >/tmp/m2.json 2>/dev/null &
	mon=$!
	sleep 1
	c0=$(ikt_count)
	ikt-burst write "$N2" /tmp/b2 >/dev/null &
	load=$!
	while [ $(($(ikt_count) - c0)) -lt $((N2 / 4)) ] && kill -0 $load 2>/dev/null; do
		sleep 0.2
	done
	kill -9 $mon
	wait $mon 2>/dev/null
	killed_at=$(($(ikt_count) - c0))
	"$TOOL" monitor --json >/tmp/m3.json 2>/dev/null &
	mon=$!
	wait $load; chk burst2_ran $? "n=$N2"
	sleep 1
	kill -INT $mon
	wait $mon; rc=$?
	a0=$A d0=$D g0=$G; mark
	counts_exact count_exact_after_sigkill
	[ $((A - a0)) = $((G - g0)) ]; chk appended_is_list_growth_after_sigkill $? "appended=$((A - a0)) list_grew=$((G - g0))"
	got2=$(grep -c '"type":"measure"' /tmp/m2.json)
	got3=$(summary_field /tmp/m3.json measurements)
	[ $rc = 0 ] && [ "${got3:-0}" -gt 0 ]
	chk monitor_resumed $? "killed_after=$killed_at received_before_kill=$got2 received_after=$got3 rc=$rc"
	# at least once across SIGKILL: libbpf moves the ring's consumer
	# position after each record's callback, so a monitor killed after it
	# wrote a record but before the callback returned leaves that record
	# for the next monitor, which writes it again. Such a duplicate is the
	# same event (same digest: every rewrite of the burst file differs) in
	# both streams; at most the one record being handled.
	digests() { grep -h '"type":"measure".*}$' "$1" | sed -n 's/.*"digest":"\([0-9a-f]*\)".*/\1/p'; }
	digests /tmp/m2.json >/tmp/d2; digests /tmp/m3.json >/tmp/d3
	dup=$(awk 'NR == FNR { a[$0] = 1; next } ($0 in a) { n++ } END { print n + 0 }' /tmp/d2 /tmp/d3)
	lost=$((A - a0 - got2 - got3 - (D - d0) + dup))
	# the killed monitor lost at most what its stdio buffer held: st_blksize
	# of the output file over the shortest event line, plus the one being
	# written
	blk=$(stat -c %o /tmp/m2.json)
	minline=$(grep '"type":"measure"' /tmp/m2.json /tmp/m3.json -h | awk '{ n = length($0) + 1; if (!m || n < m) m = n } END { print m + 0 }')
	bound=$(( blk / (minline > 0 ? minline : 1) + 1 ))
	[ $lost -ge 0 ] && [ $lost -le $bound ] && [ "$dup" -le 1 ]
	chk stream_after_sigkill $? "appended=$((A - a0)) received=$((got2 + got3)) drops=$((D - d0)) delivered_twice=$dup unwritten_by_killed_monitor=$lost bound=$bound(blksize_${blk}/line_${minline})"

	# 3. a stalled consumer: the ring overflows during a burst sized from
	# the ring in force: its bytes (the tracker's map info, and the
	# kernel's own fdinfo of the ring map the monitor holds) over the
	# bytes one event takes there
	"$TOOL" monitor --json >/tmp/m4.json 2>/dev/null &
	mon=$!
	sleep 1
	st=$("$TOOL" status --json 2>/dev/null)
	ring=$(printf '%s' "$st" | jfield ringbuf_size)
	rec=$(printf '%s' "$st" | jfield ringbuf_record_size)
	# BPF_MAP_TYPE_RINGBUF is 27; the monitor holds one ring map
	fdring=$(for f in /proc/$mon/fdinfo/*; do
		awk '$1 == "map_type:" { t = $2 } $1 == "max_entries:" { m = $2 } END { if (t == 27) print m }' "$f" 2>/dev/null
	done | head -n 1)
	cap=$(( ${ring:-0} > 0 && ${rec:-0} > 0 ? (ring - 1) / rec : 0 ))
	N3=$(ikt_arg burst3 $((cap + $(ikt_arg burst3_over 1000))))
	[ "${ring:-0}" -gt 0 ] && [ "$ring" = "$fdring" ] && [ "$cap" -gt 0 ]
	chk ring_size_known $? "status_ringbuf_size=$ring fdinfo_max_entries=$fdring record_size=$rec capacity=$cap${RINGKB:+ ringkb=$RINGKB}"
	kill -STOP $mon
	c3=$(ikt_count)
	ikt-burst write "$N3" /tmp/b3 >/dev/null; chk burst3_ran $? "n=$N3"
	c3=$(($(ikt_count) - c3))
	kill -CONT $mon
	sleep 1
	kill -INT $mon
	wait $mon; rc=$?
	a0=$A d0=$D g0=$G; mark
	counts_exact count_exact_after_drops
	[ $((A - a0)) = $((G - g0)) ]; chk appended_is_list_growth_with_drops $? "appended=$((A - a0)) list_grew=$((G - g0))"
	got=$(summary_field /tmp/m4.json measurements)
	mdrops=$(summary_field /tmp/m4.json ringbuf_drops)
	[ $rc = 0 ] && [ $((D - d0)) -gt 0 ] && [ "$mdrops" = $((D - d0)) ] && [ "$(announced /tmp/m4.json)" = "$mdrops" ]
	chk drops_counted_and_shown $? "drops=$((D - d0)) monitor_summary=$mdrops in_stream=$(announced /tmp/m4.json)"
	[ -n "$got" ] && [ $((got + D - d0)) = $((A - a0)) ]
	chk stream_accounted_with_drops $? "appended=$((A - a0)) received=$got drops=$((D - d0))"
	# the host judges these against the capacity (tests/vm/ikt.py)
	ikt event=ringstall ring_bytes=$ring fdinfo_bytes=$fdring record_bytes=$rec capacity=$cap n=$N3 stalled_appended=$c3 appended=$((A - a0)) received=${got:-none} drops=$((D - d0))
	stage1_audit
}

# 4. audit on the long list with an image loaded and 200 entries after the
# load: the default human output stops reading after the 50 entries it
# shows and takes the rest from the live count; --json reads them all.
# Both must agree on the exit code and on how many entries are at risk.
stage1_audit() {
	if ! kexec -s -l /boot/bzImage --append=ikt.burst >/tmp/kx.out 2>&1; then
		chk kexec_load 1 "$(head -n1 /tmp/kx.out | tr ' ' _)"
		return
	fi
	after_load=$(ikt_count)
	ikt-burst write 200 /tmp/b4 >/dev/null; chk burst4_ran $? "n=200"
	now=$(ikt_count)
	"$TOOL" audit >/tmp/ah.out 2>&1; hrc=$?
	"$TOOL" audit --json >/tmp/aj.out 2>/dev/null; jrc=$?
	jr=$(jfield at_risk </tmp/aj.out)
	shown=$(grep -c '^  [0-9]' /tmp/ah.out)
	more=$(sed -n 's/^  \.\.\. \([0-9]*\) more.*/\1/p' /tmp/ah.out)
	[ $hrc = $jrc ] && [ -n "$jr" ] && [ $((shown + ${more:-0})) = "$jr" ]
	chk audit_human_matches_json $? "rc=$hrc/$jrc json_at_risk=$jr human_shown=$shown more=${more:-0} verdict=$(sed -n 's/^verdict: \([A-Z-]*\).*/\1/p' /tmp/ah.out)"
	# the host judges at_risk against these counts and the kernel's mode
	ikt event=auditcount at_risk=$jr count=$now after_load=$after_load verdict=$(sed -n 's/.*"verdict":"\([A-Z-]*\)".*/\1/p' /tmp/aj.out)
	kexec -s -u >/dev/null 2>&1
}
