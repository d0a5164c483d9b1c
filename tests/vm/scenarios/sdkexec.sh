# IKT-COST: 300
# IKT-SET: light
# IKT-ROOT: debian12
# sdkexec: the reference workload on a real Debian host (Debian 12; Debian
# 13 under the trixie kernel; systemd as PID 1, root on a virtio disk):
# imakexec-trace's .deb for that release installed with dpkg -i, its
# postinst enabling imakexec-trace.service; the next kernel loaded as README asks
# (`kexec -s -l`, kernel and initramfs from /boot, /proc/cmdline), then
# `systemctl kexec`. The shutdown hook runs `imakexec-trace exec` at the
# last moment. Expected on every kernel: the kexec happens (no fallback
# reboot) and the next boot's log replays PCR 10 (with --prior where the
# list was carried). Driver: scripts/vm/sdguest/sd-main.
SD_TOOL=1 SD_LOAD=file
