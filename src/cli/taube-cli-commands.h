/* taube-cli-commands.h — the commands of taube-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-account.h"
#include "taube-provider-config.h"

G_BEGIN_DECLS

/* Exit codes: 0 success, 1 the command failed, 2 it was called wrongly. */
#define TAUBE_CLI_FAILED 1
#define TAUBE_CLI_USAGE 2

int   taube_cli_account     (int          argc,
                             char       **argv);
char *taube_cli_json_string (const char  *text);
int   taube_cli_sync        (int          argc,
                             char       **argv);

/* taube-cli-detect.c: `detect`, and what `account add --detect` shares with it. */
int                  taube_cli_detect          (int                   argc,
                                                char                **argv);
TaubeProviderConfig *taube_cli_run_detection   (const char           *address,
                                                guint                 timeout,
                                                gboolean              quiet,
                                                GError              **error);
void                 taube_cli_print_config    (TaubeProviderConfig  *config,
                                                const char           *address,
                                                gboolean              json);
gboolean             taube_cli_apply_detected  (TaubeAccount         *account,
                                                TaubeProviderConfig  *config,
                                                const char           *protocol,
                                                GError              **error);
gboolean             taube_cli_verify_account  (TaubeAccount         *account,
                                                const char           *password,
                                                GError              **error);
int   taube_cli_folders     (int          argc,
                             char       **argv);
int   taube_cli_messages    (int          argc,
                             char       **argv);
int   taube_cli_show        (int          argc,
                             char       **argv);
int   taube_cli_search      (int          argc,
                             char       **argv);
int   taube_cli_send        (int          argc,
                             char       **argv);
int   taube_cli_outbox      (int          argc,
                             char       **argv);

G_END_DECLS
