# IKT-ROOT: debian12
# IKT-SET: matrix
# IKT-EXPECT: snapshot
# sdboot: as sdkexec, with /boot a file system of its own (an fstab tmpfs
# here), which systemd unmounts before it runs the system-shutdown hooks.
# On kernels that snapshot at load the hook's exec must reload the image:
# imakexec-trace-stage.service copied it to /run/imakexec/stage when it
# stopped (before local file systems were unmounted), and exec reloads from
# that copy. Expected: the kexec happens and the next log replays.
SD_TOOL=1 SD_LOAD=file SD_BOOTFS=tmpfs
