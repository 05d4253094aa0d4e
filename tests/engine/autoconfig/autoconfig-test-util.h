/* autoconfig-test-util.h — helpers the autoconfig tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-autoconfig-error.h"
#include "taube-autoconfig-parser.h"

/* The reference copies of real ISPDB files, beside the work tree. */
static inline char *
reference_path (const char *name)
{
  return g_build_filename (g_getenv ("TAUBE_SOURCE_DIR"), "..", "shared", "reference", "ispdb",
                           name, NULL);
}

static inline char *
read_file (const char *path,
           gsize      *len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  if (len != NULL)
    *len = g_mapped_file_get_length (file);
  /* NUL-terminated, so tests may use string functions on it. */
  return g_strndup (g_mapped_file_get_contents (file), g_mapped_file_get_length (file));
}

static inline TaubeAutoconfigServer *
server_at (GListModel *servers,
           guint       position)
{
  g_autoptr(TaubeAutoconfigServer) server = g_list_model_get_item (servers, position);

  g_assert_nonnull (server);
  /* The config keeps its own reference, so a borrowed pointer is enough for a test. */
  return server;
}

static inline void
assert_server (TaubeAutoconfigServer *server,
               const char            *hostname,
               guint                  port,
               TaubeSecurity          security,
               const char            *username)
{
  g_assert_nonnull (server);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (server), ==, hostname);
  g_assert_cmpuint (taube_autoconfig_server_get_port (server), ==, port);
  g_assert_cmpint (taube_autoconfig_server_get_security (server), ==, security);
  g_assert_cmpstr (taube_autoconfig_server_get_username (server), ==, username);
}

#define incoming(config, i) server_at (taube_provider_config_get_incoming_servers (config), (i))
#define outgoing(config, i) server_at (taube_provider_config_get_outgoing_servers (config), (i))
#define n_incoming(config) \
  g_list_model_get_n_items (taube_provider_config_get_incoming_servers (config))
#define n_outgoing(config) \
  g_list_model_get_n_items (taube_provider_config_get_outgoing_servers (config))
