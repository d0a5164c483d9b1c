# IKT-ROOT: debian12
# IKT-SET: matrix
# sdlegacy: as sdkexec, but the next kernel is loaded the way Debian 12's
# kexec-tools does by default (`kexec -l`: the legacy kexec_load syscall,
# which never hands the list over). Where the list can be carried (kernels
# without CONFIG_IMA_KEXEC) the kexec happens and replays; where the kernel
# would have handed the list over from a file load, exec cannot reload a
# legacy image, the guard refuses, and systemd falls back to a full reboot
# (PCR 10 reset, a log that replays from zero). On the Debian 13 image
# `kexec -l` is a file load when the kernel has CONFIG_KEXEC_FILE (Debian
# 13's kexec-tools makes `kexec -a` the default): the judge (sdjudge.py
# effective_load) expects that, and checks the tool saw it so.
SD_TOOL=1 SD_LOAD=legacy
