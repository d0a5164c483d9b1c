# IKT-ROOT: debian12
# IKT-SET: matrix
# sdplain: a plain Debian 12 host without imakexec-trace: `kexec -l`
# (kexec-tools' default) and `systemctl kexec`. A probe in
# /usr/lib/systemd/system-shutdown/ dumps the list right before
# systemd-shutdown's kexec -e; the host names every entry the next kernel's
# log lacks and checks that list + next boot replays the TPM.
SD_TOOL=0 SD_LOAD=legacy SD_PROBE=1
