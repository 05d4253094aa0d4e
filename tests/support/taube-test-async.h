/* taube-test-async.h — waiting for asynchronous engine calls in GTest programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <string.h>

/* Pass as callback with &result as user data, then taube_test_wait (&result). */
static inline void
taube_test_store_result_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static inline GAsyncResult *
taube_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static inline const char *
taube_test_rig_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this test under tests/rig/taube-rig --with dovecot", name);
  return value;
}

static inline guint16
taube_test_rig_port (const char *name)
{
  return (guint16) g_ascii_strtoull (taube_test_rig_env (name), NULL, 10);
}

/* Collects every log message of every domain, for checks on what the debug log shows. */
typedef struct
{
  GString *text;
} TaubeTestLogCapture;

static inline GLogWriterOutput
taube_test_log_writer (GLogLevelFlags   log_level,
                       const GLogField *fields,
                       gsize            n_fields,
                       gpointer         user_data)
{
  TaubeTestLogCapture *capture = user_data;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && capture->text != NULL)
      {
        gssize len = fields[i].length;

        g_string_append_len (capture->text, fields[i].value,
                             len < 0 ? (gssize) strlen (fields[i].value) : len);
        g_string_append_c (capture->text, '\n');
      }
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, NULL);
  return G_LOG_WRITER_HANDLED;
}
