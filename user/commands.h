/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Subcommand entry points; argv[0] is the subcommand name. */
#ifndef IKT_COMMANDS_H
#define IKT_COMMANDS_H

int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_ak(int argc, char **argv);

#endif
