# IKT-ROOT: debian12
# IKT-SET: matrix
# IKT-EXPECT: snapshot full
# sdlegacyconf: the next kernel loaded as Debian 12's kexec-load does
# (`kexec -l`, the legacy kexec_load), with /etc/default/imakexec-trace
# naming the files (IMAKEXEC_EXEC_ARGS="--kernel ... --initrd ...
# --reuse-cmdline"): the shutdown hook's exec replaces the legacy image by a
# kexec_file_load of them at the last moment, so on kernels that hand the
# list over the kexec happens with a log that replays (sdlegacy, without the
# setting, falls back to a full reboot there).
SD_TOOL=1 SD_LOAD=legacy
SD_EXECARGS="--kernel /boot/vmlinuz --initrd /boot/initrd.img --reuse-cmdline"
