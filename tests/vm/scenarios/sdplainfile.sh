# IKT-ROOT: debian12
# IKT-SET: matrix
# sdplainfile: as sdplain, loaded with `kexec -s -l` (kexec_file_load, which
# hands the list over on CONFIG_IMA_KEXEC kernels): the gap of a plain
# `systemctl kexec` itself, entry by entry.
SD_TOOL=0 SD_LOAD=file SD_PROBE=1
